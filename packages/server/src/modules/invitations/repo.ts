import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, InvitationAgentJson, MatrixJson, WorkspaceRoleColumn } from '../../db/schema';
import type { StoredGrant } from '../access/grants';

/**
 * The invitations' own SQL (docs/architecture.md, "Repositories"): sending,
 * managing, listing and finding one to accept. Each write names its
 * workspace. Accounts and memberships: membership-repo.ts.
 */

type Db = Kysely<DB> | Transaction<DB>;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** An invitation as the managing presenters read it. */
export interface InvitationRow {
  id: string;
  email: string;
  role: WorkspaceRoleColumn;
  agent_access: 'all' | 'assigned';
  matrix: unknown;
  preset_id: string | null;
  agents: unknown;
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: unknown;
  invited_by: string | null;
  inviter_name: string | null;
  accepted_at: unknown;
  revoked_at: unknown;
  sent_count: number;
  created_at: unknown;
  updated_at: unknown;
}

// ---------------------------------------------------------------- names

/** The workspace's name and those of the given agents (for the emails). */
export async function workspaceAndAgentNames(db: Db, workspaceId: string, agentIds: string[]) {
  const ws = await db
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { workspace: ws.name, agents: await agentNames(db, workspaceId, agentIds) };
}

/** The names of the given agents of a workspace (deleted ones are left out). */
export async function agentNames(db: Db, workspaceId: string, agentIds: string[]): Promise<string[]> {
  if (agentIds.length === 0) return [];
  const rows = await db
    .selectFrom('agents')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', agentIds)
    .execute();
  return rows.map((r) => r.name);
}

// ---------------------------------------------------------------- sending and managing

/** The columns an invitation is (re)sent with. */
export interface InvitationValues {
  role: WorkspaceRoleColumn;
  agentAccess: 'all' | 'assigned';
  grant: StoredGrant | null;
  agents: InvitationAgentJson[];
  tokenHash: string;
  invitedBy: string | null;
  expiresAt: Date;
}

function columnsOf(v: InvitationValues) {
  return {
    role: v.role,
    agent_access: v.agentAccess,
    matrix: v.grant?.matrix ? JSON.stringify(v.grant.matrix as MatrixJson) : null,
    preset_id: v.grant?.presetId ?? null,
    agents: JSON.stringify(v.agents),
    token_hash: v.tokenHash,
    invited_by: v.invitedBy,
    expires_at: v.expiresAt,
  };
}

/** The pending invitation of this address to this target, locked; undefined when none. */
export async function lockPendingInvitation(
  tx: Transaction<DB>,
  workspaceId: string,
  email: string,
  targetKey: string,
) {
  return tx
    .selectFrom('invitations')
    .select(['id', 'sent_count'])
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .where('target_key', '=', targetKey)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
}

/** Rewrites a pending invitation (a new link) and counts one more sending. */
export async function updatePendingInvitation(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  values: InvitationValues,
) {
  return tx
    .updateTable('invitations')
    .set({ ...columnsOf(values), sent_count: sql`sent_count + 1`, updated_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(['id', 'sent_count'])
    .executeTakeFirstOrThrow();
}

/** Inserts a new pending invitation. */
export async function insertInvitation(
  tx: Transaction<DB>,
  workspaceId: string,
  email: string,
  targetKey: string,
  values: InvitationValues,
) {
  return tx
    .insertInto('invitations')
    .values({ ...columnsOf(values), workspace_id: workspaceId, email, target_key: targetKey })
    .returning(['id', 'sent_count'])
    .executeTakeFirstOrThrow();
}

/** Gives an invitation a new link and expiry; returns how many times it has been sent. */
export async function renewInvitation(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  tokenHash: string,
  expiresAt: Date,
): Promise<number> {
  const row = await tx
    .updateTable('invitations')
    .set({
      token_hash: tokenHash,
      expires_at: expiresAt,
      sent_count: sql`sent_count + 1`,
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning('sent_count')
    .executeTakeFirstOrThrow();
  return row.sent_count;
}

/** Marks an invitation revoked: its link stops working. */
export async function markRevoked(tx: Transaction<DB>, workspaceId: string, id: string): Promise<void> {
  await tx
    .updateTable('invitations')
    .set({ status: 'revoked', revoked_at: sql`now()`, updated_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** Marks an invitation accepted by `userId`: single use. */
export async function markAccepted(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  userId: string,
): Promise<void> {
  await tx
    .updateTable('invitations')
    .set({ status: 'accepted', accepted_at: sql`now()`, accepted_by: userId, updated_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- reading (managers)

function selectInvitations(db: Db, workspaceId: string) {
  return db
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.email',
      'i.role',
      'i.agent_access',
      'i.matrix',
      'i.preset_id',
      'i.agents',
      'i.status',
      'i.expires_at',
      'i.invited_by',
      'u.name as inviter_name',
      'i.accepted_at',
      'i.revoked_at',
      'i.sent_count',
      'i.created_at',
      'i.updated_at',
    ])
    .where('i.workspace_id', '=', workspaceId);
}

/** A workspace's invitations by status (expired: pending past their expiry), newest first, at most 1000. */
export async function findInvitations(
  db: Kysely<DB>,
  workspaceId: string,
  status: InvitationStatus | 'all',
): Promise<InvitationRow[]> {
  let qb = selectInvitations(db, workspaceId);
  if (status === 'pending') qb = qb.where('i.status', '=', 'pending').where('i.expires_at', '>', new Date());
  else if (status === 'expired')
    qb = qb.where('i.status', '=', 'pending').where('i.expires_at', '<=', new Date());
  else if (status !== 'all') qb = qb.where('i.status', '=', status);
  return (await qb.orderBy('i.created_at', 'desc').orderBy('i.id').limit(1000).execute()) as InvitationRow[];
}

/** One invitation of the workspace; `lock` takes its row lock. */
export async function findInvitation(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<InvitationRow | undefined> {
  let qb = selectInvitations(tx, workspaceId).where('i.id', '=', id);
  if (lock) qb = qb.forUpdate('i');
  return (await qb.executeTakeFirst()) as InvitationRow | undefined;
}

// ---------------------------------------------------------------- reading (invitees)

/** An invitation with what accepting it needs (workspace and inviter names). */
export interface InvitationForAcceptance {
  id: string;
  workspace_id: string;
  workspace_name: string;
  email: string;
  role: WorkspaceRoleColumn;
  agent_access: 'all' | 'assigned';
  matrix: unknown;
  preset_id: string | null;
  agents: unknown;
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: unknown;
  inviter_name: string | null;
  created_at: unknown;
}

function acceptanceQuery(db: Db) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.workspace_id',
      'w.name as workspace_name',
      'i.email',
      'i.role',
      'i.agent_access',
      'i.matrix',
      'i.preset_id',
      'i.agents',
      'i.status',
      'i.expires_at',
      'u.name as inviter_name',
      'i.created_at',
    ]);
}

/** The invitation whose link token hashes to `tokenHash`; `lock` takes its row lock. */
export async function findByTokenHash(
  db: Db,
  tokenHash: string,
  lock = false,
): Promise<InvitationForAcceptance | undefined> {
  let qb = acceptanceQuery(db).where('i.token_hash', '=', tokenHash);
  if (lock) qb = qb.forUpdate('i');
  return (await qb.executeTakeFirst()) as InvitationForAcceptance | undefined;
}

/** One invitation addressed to `email`, locked; undefined when none. */
export async function lockInvitationTo(
  tx: Transaction<DB>,
  id: string,
  email: string,
): Promise<InvitationForAcceptance | undefined> {
  return (await acceptanceQuery(tx)
    .where('i.id', '=', id)
    .where('i.email', '=', email)
    .forUpdate('i')
    .executeTakeFirst()) as InvitationForAcceptance | undefined;
}

/** The pending, unexpired invitations addressed to `email`, newest first. */
export async function findPendingTo(db: Kysely<DB>, email: string): Promise<InvitationForAcceptance[]> {
  return (await acceptanceQuery(db)
    .where('i.email', '=', email)
    .where('i.status', '=', 'pending')
    .where('i.expires_at', '>', new Date())
    .orderBy('i.created_at', 'desc')
    .execute()) as InvitationForAcceptance[];
}

/** Actions that each stand for one invitation email sent. */
const INVITATION_EMAIL_ACTIONS = ['invitation.created', 'invitation.updated', 'invitation.resent'] as const;

/** Invitation emails recorded in the last hour, in one workspace or by one actor; with the oldest one's time. */
export async function recentInvitationEmails(
  tx: Transaction<DB>,
  by: { workspaceId: string } | { actorId: string },
): Promise<{ count: number; oldest: Date | null }> {
  let q = tx
    .selectFrom('activity_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('action', 'in', INVITATION_EMAIL_ACTIONS)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`);
  q =
    'workspaceId' in by ? q.where('workspace_id', '=', by.workspaceId) : q.where('actor_id', '=', by.actorId);
  const row = await q.executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string) : null };
}

/** Resends of one invitation recorded in the last hour, with the oldest one's time. */
export async function recentResends(
  tx: Transaction<DB>,
  workspaceId: string,
  invitationId: string,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await tx
    .selectFrom('activity_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('workspace_id', '=', workspaceId)
    .where('action', '=', 'invitation.resent')
    .where('target_type', '=', 'invitation')
    .where('target_id', '=', invitationId)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string) : null };
}
