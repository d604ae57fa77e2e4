import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type RequestOrigin, recordActivity } from '../../audit/record';
import { normalizeEmail } from '../../auth/email';
import { hashPassword } from '../../auth/password';
import { passwordProblem } from '../../auth/password-policy';
import type { Principal } from '../../auth/principal';
import { createSession } from '../../auth/sessions';
import { csrfTokenFor, randomToken, sha256 } from '../../auth/tokens';
import { bumpRevision } from '../../command/revision';
import type { Config } from '../../config';
import type {
  AgentRoleColumn,
  DB,
  InvitationAgentJson,
  MatrixJson,
  WorkspaceRoleColumn,
} from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import { enqueueEmail } from '../../mail/outbox';
import { ensureWorkspaceMember } from '../members/repo';
import {
  assertWithinOwnGrant,
  type GrantInput,
  grantMatrix,
  inTransaction,
  isoOf,
  lockWorkspace,
  parseGrant,
  requireUuid,
  type StoredGrant,
  type WriteContext,
} from '../workspaces/common';
import { addedToWorkspaceTemplate, invitationTemplate } from './templates';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InviteInput extends GrantInput {
  emails: string[];
  role?: WorkspaceRoleColumn;
  agentAccess?: 'all' | 'assigned';
  agents?: (GrantInput & { agentId: string; role: AgentRoleColumn })[];
}

/** The outcome for one address of a (bulk) invitation. */
export interface InviteResult {
  email: string;
  /**
   * `added`: an existing account joined at once (and was emailed);
   * `invited`: a new invitation link was emailed; `updated`: the pending
   * invitation to the same target was updated and re-sent;
   * `already_member`: nothing to do; `invalid`: not an email address;
   * `duplicate`: the address appeared earlier in the same request.
   */
  status: 'added' | 'invited' | 'updated' | 'already_member' | 'invalid' | 'duplicate';
  userId?: string;
  invitationId?: string;
  error?: string;
}

const DAY_MS = 86_400_000;

function acceptUrl(config: Config, token: string): string {
  return `${config.publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}

/**
 * Who may send this invitation (SPEC §2, §4): inviting to the workspace
 * itself, with a workspace role, agent access or workspace grant, needs
 * `workspace.manage`; inviting to agents needs `agent.manage` on each of
 * them (an agent admin invites to their own agents only, and grants at most
 * what they hold there); an agent user cannot invite. Every answer comes from
 * the engine's `hasCapability`; the route declares `workspace.read` because
 * what is needed depends on the body.
 */
function authorizeInvite(
  state: WorkspaceState,
  actor: Subject,
  input: InviteInput,
  agents: InvitationAgentJson[],
) {
  const manage = hasCapability(state, actor, 'workspace.manage');
  for (const a of agents) {
    if (!state.agents.has(a.agentId) || !hasCapability(state, actor, 'agent.read', a.agentId)) {
      throw notFound('agent');
    }
  }
  if (manage) return;
  if (agents.length === 0) {
    throw problem('forbidden', 'Inviting to the workspace needs the workspace.manage capability', {
      required: { capability: 'workspace.manage' },
    });
  }
  const workspaceWide =
    (input.role !== undefined && input.role !== 'member') ||
    input.agentAccess === 'all' ||
    input.matrix != null ||
    input.presetId != null;
  if (workspaceWide) {
    throw problem(
      'forbidden',
      'Only workspace admins set a workspace role, agent access or workspace permissions',
      {
        required: { capability: 'workspace.manage' },
      },
    );
  }
  for (const a of agents) {
    if (!hasCapability(state, actor, 'agent.manage', a.agentId)) {
      throw problem('forbidden', 'Inviting to an agent needs the agent.manage capability on it', {
        required: { capability: 'agent.manage' },
        agentId: a.agentId,
      });
    }
    assertWithinOwnGrant(
      state,
      actor,
      a.agentId,
      grantMatrix(state, { matrix: a.matrix, presetId: a.presetId }),
    );
  }
}

async function names(tx: Transaction<DB> | Kysely<DB>, workspaceId: string, agentIds: string[]) {
  const ws = await tx
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const agents = agentIds.length
    ? await tx
        .selectFrom('agents')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', agentIds)
        .execute()
    : [];
  return { workspace: ws.name, agents: agents.map((a) => a.name) };
}

/** Gives an (existing) user the agent roles of an invitation; returns how many were new. */
async function grantAgentRoles(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
  agents: InvitationAgentJson[],
) {
  let added = 0;
  for (const a of agents) {
    const exists = await tx
      .selectFrom('agents')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', a.agentId)
      .executeTakeFirst();
    if (!exists) continue; // the agent was deleted since the invitation was sent
    const row = await tx
      .insertInto('agent_members')
      .values({
        agent_id: a.agentId,
        workspace_id: workspaceId,
        user_id: userId,
        role: a.role,
        matrix: a.matrix ? JSON.stringify(a.matrix) : null,
        preset_id: a.presetId,
      })
      .onConflict((oc) => oc.columns(['agent_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (row) added++;
  }
  return added;
}

interface Membership {
  role: WorkspaceRoleColumn;
  agentAccess: 'all' | 'assigned';
  grant: StoredGrant | null;
  agents: InvitationAgentJson[];
}

/**
 * Applies an invitation's membership to a user: joins the workspace (an
 * existing membership is never changed: an invitation does not demote or
 * promote) and takes the agent roles. Returns what changed.
 */
async function applyMembership(tx: Transaction<DB>, workspaceId: string, userId: string, m: Membership) {
  const joined = await ensureWorkspaceMember(tx, {
    workspaceId,
    userId,
    role: m.role,
    agentAccess: m.agentAccess,
    grant: m.grant,
  });
  const agentRoles = await grantAgentRoles(tx, workspaceId, userId, m.agents);
  return { joined, agentRoles };
}

/**
 * Invites up to 100 addresses to the workspace or to chosen agents, with a
 * role and a matrix or preset (SPEC §4 "Invitations"). An address with an
 * account is added at once and notified; any other gets a single-use link
 * (token stored hashed, INVITATION_TTL_DAYS) through the outbox. Inviting
 * the same address to the same target again updates the pending invitation
 * (new link) instead of adding a second one. One transaction for the lot.
 */
export async function invite(
  db: Kysely<DB>,
  config: Config,
  state: WorkspaceState,
  actor: Subject,
  input: InviteInput,
  ctx: WriteContext,
): Promise<{ results: InviteResult[]; revision: number }> {
  const workspaceGrant = parseGrant(state, input);
  const agents: InvitationAgentJson[] = (input.agents ?? []).map((a, i) => {
    const g = parseGrant(state, a, `/body/agents/${i}`);
    return { agentId: a.agentId, role: a.role, matrix: g?.matrix ?? null, presetId: g?.presetId ?? null };
  });
  if (new Set(agents.map((a) => a.agentId)).size !== agents.length) {
    throw validationFailed([{ path: '/body/agents', message: 'lists an agent twice' }]);
  }
  authorizeInvite(state, actor, input, agents);
  const role = input.role ?? 'member';
  const agentAccess = role === 'admin' ? 'all' : (input.agentAccess ?? 'assigned');
  const membership: Membership = { role, agentAccess, grant: workspaceGrant, agents };
  const targetKey =
    agents.length === 0
      ? 'workspace'
      : `agents:${agents
          .map((a) => a.agentId)
          .sort()
          .join(',')}`;
  const inviterId = ctx.actor.type === 'user' ? ctx.actor.id : null;
  const inviterName = ctx.actor.name ?? 'Someone';

  return inTransaction(db, async (tx) => {
    await lockWorkspace(tx, state.workspaceId);
    const label = await names(
      tx,
      state.workspaceId,
      agents.map((a) => a.agentId),
    );
    const results: InviteResult[] = [];
    const seen = new Set<string>();
    let accessChanged = false;
    for (const raw of input.emails) {
      const email = normalizeEmail(raw);
      if (!email) {
        results.push({ email: raw, status: 'invalid', error: 'not an email address' });
        continue;
      }
      if (seen.has(email)) {
        results.push({ email, status: 'duplicate', error: 'listed more than once in this request' });
        continue;
      }
      seen.add(email);

      const user = await tx
        .selectFrom('users')
        .select(['id', 'name'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (user) {
        const { joined, agentRoles } = await applyMembership(tx, state.workspaceId, user.id, membership);
        if (!joined && agentRoles === 0) {
          results.push({ email, status: 'already_member', userId: user.id });
          continue;
        }
        accessChanged = true;
        await recordActivity(tx, {
          workspaceId: state.workspaceId,
          actor: ctx.actor,
          action: joined ? 'member.added' : 'agent_member.added',
          target: { type: 'member', id: user.id },
          after: {
            email,
            role,
            agentAccess,
            presetId: workspaceGrant?.presetId ?? null,
            agents,
            via: 'invitation',
          },
          origin: ctx.origin,
        });
        const mail = addedToWorkspaceTemplate({
          name: user.name,
          inviter: inviterName,
          workspace: label.workspace,
          agents: label.agents,
          url: config.publicUrl,
        });
        await enqueueEmail(tx, {
          to: email,
          ...mail,
          idempotencyKey: `workspace_added:${state.workspaceId}:${user.id}:${Date.now()}`,
        });
        results.push({ email, status: 'added', userId: user.id });
        continue;
      }

      const token = randomToken();
      const expiresAt = new Date(Date.now() + config.invitationTtlDays * DAY_MS);
      const values = {
        role,
        agent_access: agentAccess,
        matrix: workspaceGrant?.matrix ? JSON.stringify(workspaceGrant.matrix) : null,
        preset_id: workspaceGrant?.presetId ?? null,
        agents: JSON.stringify(agents),
        token_hash: sha256(token),
        invited_by: inviterId,
        expires_at: expiresAt,
      };
      const pending = await tx
        .selectFrom('invitations')
        .select(['id', 'sent_count'])
        .where('workspace_id', '=', state.workspaceId)
        .where('email', '=', email)
        .where('target_key', '=', targetKey)
        .where('status', '=', 'pending')
        .forUpdate()
        .executeTakeFirst();
      let id: string;
      let sent: number;
      if (pending) {
        const row = await tx
          .updateTable('invitations')
          .set({ ...values, sent_count: sql`sent_count + 1`, updated_at: sql`now()` })
          .where('id', '=', pending.id)
          .returning(['id', 'sent_count'])
          .executeTakeFirstOrThrow();
        id = row.id;
        sent = row.sent_count;
      } else {
        const row = await tx
          .insertInto('invitations')
          .values({ ...values, workspace_id: state.workspaceId, email, target_key: targetKey })
          .returning(['id', 'sent_count'])
          .executeTakeFirstOrThrow();
        id = row.id;
        sent = row.sent_count;
      }
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: pending ? 'invitation.updated' : 'invitation.created',
        target: { type: 'invitation', id },
        after: { email, role, agentAccess, presetId: workspaceGrant?.presetId ?? null, agents, expiresAt },
        origin: ctx.origin,
      });
      const mail = invitationTemplate({
        inviter: inviterName,
        workspace: label.workspace,
        agents: label.agents,
        url: acceptUrl(config, token),
        expiresInDays: config.invitationTtlDays,
      });
      await enqueueEmail(tx, { to: email, ...mail, idempotencyKey: `invitation:${id}:${sent}` });
      results.push({ email, status: pending ? 'updated' : 'invited', invitationId: id });
    }
    const revision = accessChanged ? await bumpRevision(tx, state.workspaceId) : state.revision;
    return { results, revision };
  });
}

type InvitationRow = {
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
};

function statusOf(row: {
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: unknown;
}): InvitationStatus {
  if (row.status === 'pending' && new Date(row.expires_at as string).getTime() <= Date.now())
    return 'expired';
  return row.status;
}

/** Whether the caller may see and manage an invitation: admins all; agent admins those to their own agents only. */
function manages(state: WorkspaceState, actor: Subject, agents: InvitationAgentJson[]): boolean {
  if (hasCapability(state, actor, 'workspace.manage')) return true;
  return agents.length > 0 && agents.every((a) => hasCapability(state, actor, 'agent.manage', a.agentId));
}

function present(row: InvitationRow) {
  const agents = row.agents as InvitationAgentJson[];
  const open = row.status === 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    agentAccess: row.agent_access,
    matrix: row.preset_id ? null : ((row.matrix as MatrixJson | null) ?? null),
    presetId: row.preset_id,
    agents,
    target: agents.length === 0 ? ('workspace' as const) : ('agents' as const),
    status: statusOf(row),
    invitedBy: row.invited_by ? { id: row.invited_by, name: row.inviter_name } : null,
    expiresAt: isoOf(row.expires_at),
    sentCount: row.sent_count,
    acceptedAt: row.accepted_at ? isoOf(row.accepted_at) : null,
    revokedAt: row.revoked_at ? isoOf(row.revoked_at) : null,
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
    // Only invitations the caller manages are ever presented (see `manages`).
    can: { resend: open, revoke: open },
  };
}

function selectInvitations(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
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

/** Invitations the caller manages, filtered by status (default: pending and not expired), newest first. */
export async function listInvitations(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  status: InvitationStatus | 'all' = 'pending',
) {
  let qb = selectInvitations(db, state.workspaceId);
  if (status === 'pending') qb = qb.where('i.status', '=', 'pending').where('i.expires_at', '>', new Date());
  else if (status === 'expired')
    qb = qb.where('i.status', '=', 'pending').where('i.expires_at', '<=', new Date());
  else if (status !== 'all') qb = qb.where('i.status', '=', status);
  const rows = (await qb
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .limit(1000)
    .execute()) as InvitationRow[];
  return rows.filter((r) => manages(state, actor, r.agents as InvitationAgentJson[])).map(present);
}

async function managedInvitation(tx: Transaction<DB>, state: WorkspaceState, actor: Subject, id: string) {
  requireUuid(id, 'invitation');
  const row = (await selectInvitations(tx, state.workspaceId)
    .where('i.id', '=', id)
    .forUpdate('i')
    .executeTakeFirst()) as InvitationRow | undefined;
  // One the caller does not manage is as invisible as one that does not exist.
  if (!row || !manages(state, actor, row.agents as InvitationAgentJson[])) throw notFound('invitation');
  return row;
}

function refuseClosed(row: { status: 'pending' | 'accepted' | 'revoked' }) {
  if (row.status === 'accepted') throw problem('invitation_used');
  if (row.status === 'revoked') throw problem('invitation_revoked');
}

/** Resends an invitation with a new token and a new expiry; the old link dies (SPEC §4). */
export async function resendInvitation(
  db: Kysely<DB>,
  config: Config,
  state: WorkspaceState,
  actor: Subject,
  id: string,
  ctx: WriteContext,
) {
  return inTransaction(db, async (tx) => {
    const row = await managedInvitation(tx, state, actor, id);
    refuseClosed(row);
    const token = randomToken();
    const expiresAt = new Date(Date.now() + config.invitationTtlDays * DAY_MS);
    const updated = await tx
      .updateTable('invitations')
      .set({
        token_hash: sha256(token),
        expires_at: expiresAt,
        sent_count: sql`sent_count + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', row.id)
      .returning('sent_count')
      .executeTakeFirstOrThrow();
    const agents = row.agents as InvitationAgentJson[];
    const label = await names(
      tx,
      state.workspaceId,
      agents.map((a) => a.agentId),
    );
    const mail = invitationTemplate({
      inviter: ctx.actor.name ?? 'Someone',
      workspace: label.workspace,
      agents: label.agents,
      url: acceptUrl(config, token),
      expiresInDays: config.invitationTtlDays,
    });
    await enqueueEmail(tx, {
      to: row.email,
      ...mail,
      idempotencyKey: `invitation:${row.id}:${updated.sent_count}`,
    });
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'invitation.resent',
      target: { type: 'invitation', id: row.id },
      before: { expiresAt: isoOf(row.expires_at) },
      after: { email: row.email, expiresAt },
      origin: ctx.origin,
    });
    const [fresh] = (await selectInvitations(tx, state.workspaceId)
      .where('i.id', '=', row.id)
      .execute()) as InvitationRow[];
    return present(fresh as InvitationRow);
  });
}

/** Revokes a pending invitation: its link stops working at once (410 `invitation_revoked`). */
export async function revokeInvitation(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  id: string,
  ctx: WriteContext,
) {
  return inTransaction(db, async (tx) => {
    const row = await managedInvitation(tx, state, actor, id);
    if (row.status === 'accepted')
      throw problem('invitation_used', 'This invitation was accepted: remove the member instead');
    if (row.status === 'pending') {
      await tx
        .updateTable('invitations')
        .set({ status: 'revoked', revoked_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', row.id)
        .execute();
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: 'invitation.revoked',
        target: { type: 'invitation', id: row.id },
        before: { email: row.email, status: statusOf(row) },
        after: { status: 'revoked' },
        origin: ctx.origin,
      });
    }
    return { id: row.id, status: 'revoked' as const };
  });
}

/** The invitation with what accepting it needs (workspace and inviter names). */
function acceptanceQuery(db: Kysely<DB> | Transaction<DB>) {
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
    ]);
}

async function byToken(db: Kysely<DB> | Transaction<DB>, token: string, lock = false) {
  let qb = acceptanceQuery(db).where('i.token_hash', '=', sha256(token));
  if (lock) qb = qb.forUpdate('i');
  const row = await qb.executeTakeFirst();
  if (!row) {
    throw problem(
      'token_invalid',
      'This invitation link is invalid (it may have been re-sent: use the newest email)',
    );
  }
  return row;
}

function refuseUnusable(inv: { status: 'pending' | 'accepted' | 'revoked'; expires_at: unknown }) {
  if (inv.status === 'revoked') throw problem('invitation_revoked');
  if (inv.status === 'accepted') throw problem('invitation_used');
  if (statusOf(inv) === 'expired') {
    throw problem('invitation_expired', 'This invitation has expired: ask for a new one');
  }
}

async function agentNames(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  agents: InvitationAgentJson[],
) {
  if (agents.length === 0) return [];
  const rows = await db
    .selectFrom('agents')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where(
      'id',
      'in',
      agents.map((a) => a.agentId),
    )
    .execute();
  return rows.map((r) => r.name);
}

/**
 * The pending invitations addressed to the signed-in user's email (SPEC §4
 * "signing in with that email joins"): the console lists them after sign-in
 * so the person can join without the link.
 */
export async function listMyInvitations(db: Kysely<DB>, email: string) {
  const rows = await acceptanceQuery(db)
    .where('i.email', '=', normalizeEmail(email) ?? '')
    .where('i.status', '=', 'pending')
    .where('i.expires_at', '>', new Date())
    .orderBy('i.created_at', 'desc')
    .execute();
  const out = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      workspace: { id: r.workspace_id, name: r.workspace_name },
      inviter: r.inviter_name ? { name: r.inviter_name } : null,
      role: r.role,
      agents: await agentNames(db, r.workspace_id, r.agents as InvitationAgentJson[]),
      expiresAt: isoOf(r.expires_at),
    });
  }
  return out;
}

/**
 * Accepts an invitation addressed to the signed-in user's email, without
 * the link: the account's verified email proves the address as the link
 * would. An unverified account must verify first (else anyone could sign up
 * with someone else's address and take their invitations).
 */
export async function acceptMyInvitation(
  db: Kysely<DB>,
  principal: Principal | null,
  id: string,
  origin: RequestOrigin,
): Promise<Omit<AcceptResult, 'session'>> {
  if (principal?.type !== 'user') throw problem('forbidden', 'Only a signed-in user accepts an invitation');
  requireUuid(id, 'invitation');
  return inTransaction(db, async (tx) => {
    const inv = await acceptanceQuery(tx)
      .where('i.id', '=', id)
      .where('i.email', '=', normalizeEmail(principal.email) ?? '')
      .forUpdate('i')
      .executeTakeFirst();
    if (!inv) throw notFound('invitation');
    const user = await tx
      .selectFrom('users')
      .select('email_verified_at')
      .where('id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    if (!user.email_verified_at) {
      throw problem('forbidden', 'Verify your email address first, or open the link in the invitation email');
    }
    refuseUnusable(inv);
    return completeAcceptance(tx, inv, principal.userId, principal.name || principal.email, origin);
  });
}

/**
 * What the console shows before joining (public, by token): workspace,
 * inviter, address and status, and whether an account with that address
 * exists (to offer sign-in or sign-up).
 */
export async function lookupInvitation(db: Kysely<DB>, token: string) {
  const row = await byToken(db, token);
  const account = await db.selectFrom('users').select('id').where('email', '=', row.email).executeTakeFirst();
  return {
    workspace: { name: row.workspace_name },
    inviter: row.inviter_name ? { name: row.inviter_name } : null,
    email: row.email,
    role: row.role,
    agents: await agentNames(db, row.workspace_id, row.agents as InvitationAgentJson[]),
    status: statusOf(row),
    expiresAt: isoOf(row.expires_at),
    accountExists: account !== undefined,
  };
}

export interface AcceptResult {
  workspaceId: string;
  workspaceName: string;
  userId: string;
  role: WorkspaceRoleColumn;
  agents: { agentId: string; role: AgentRoleColumn }[];
  revision: number;
  /** Set when the account was created here: the new session for the cookie. */
  session?: { token: string; expiresAt: Date; csrfToken: string };
}

/**
 * Accepts an invitation (SPEC §4): a signed-in user whose email is the
 * invited one joins; without a session, `name` and `password` create the
 * account with that (now proven) email and join in the same transaction.
 * Expired, revoked, used and wrong-email invitations each answer their own
 * error. Single use: the row is locked and marked accepted.
 */
export async function acceptInvitation(
  db: Kysely<DB>,
  config: Config,
  principal: Principal | null,
  input: { token: string; name?: string; password?: string },
  origin: RequestOrigin,
): Promise<AcceptResult> {
  if (principal?.type === 'api_key') throw problem('forbidden', 'API keys cannot accept invitations');
  let passwordHash: string | null = null;
  if (!principal) {
    if (input.name === undefined || input.password === undefined) {
      throw problem(
        'unauthenticated',
        'Sign in with the invited email, or send name and password to create the account',
      );
    }
    if (!input.name.trim()) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
    const weak = passwordProblem(input.password);
    if (weak) throw validationFailed([{ path: '/body/password', message: weak }]);
    passwordHash = await hashPassword(input.password);
  }
  return inTransaction(db, async (tx) => {
    const inv = await byToken(tx, input.token, true);
    refuseUnusable(inv);

    let userId: string;
    let actorName: string;
    let session: AcceptResult['session'];
    if (principal) {
      if (normalizeEmail(principal.email) !== inv.email) {
        throw problem(
          'invitation_email_mismatch',
          `This invitation was sent to another address; sign in as that address`,
        );
      }
      userId = principal.userId;
      actorName = principal.name || principal.email;
    } else {
      const taken = await tx
        .selectFrom('users')
        .select('id')
        .where('email', '=', inv.email)
        .executeTakeFirst();
      if (taken) throw problem('email_taken', 'An account with this email exists: sign in, then accept');
      const user = await tx
        .insertInto('users')
        .values({
          email: inv.email,
          name: (input.name as string).trim(),
          password_hash: passwordHash,
          avatar_url: null,
          // The token arrived at this address: that proves it, like a verification link.
          email_verified_at: new Date(),
          last_active_at: new Date(),
        })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      userId = user.id;
      actorName = user.name;
      await recordActivity(tx, {
        workspaceId: null,
        actor: { type: 'user', id: user.id, name: user.name },
        action: 'auth.signed_up',
        target: { type: 'user', id: user.id },
        after: { email: inv.email, name: user.name, via: 'invitation' },
        origin,
      });
      const s = await createSession(tx, config, {
        userId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        method: 'password',
      });
      session = { token: s.token, expiresAt: s.expiresAt, csrfToken: csrfTokenFor(s.token) };
    }

    return { ...(await completeAcceptance(tx, inv, userId, actorName, origin)), session };
  });
}

type InvitationForAcceptance = Awaited<ReturnType<typeof byToken>>;

/**
 * The part of accepting that is the same however the invitee proved the
 * address (link token, or a signed-in account with that verified email):
 * join, take the agent roles, mark the invitation used, log, bump.
 */
async function completeAcceptance(
  tx: Transaction<DB>,
  inv: InvitationForAcceptance,
  userId: string,
  actorName: string,
  origin: RequestOrigin,
): Promise<Omit<AcceptResult, 'session'>> {
  const agents = inv.agents as InvitationAgentJson[];
  const grant: StoredGrant | null =
    inv.matrix || inv.preset_id
      ? { matrix: (inv.matrix as MatrixJson | null) ?? null, presetId: inv.preset_id }
      : null;
  const { joined, agentRoles } = await applyMembership(tx, inv.workspace_id, userId, {
    role: inv.role,
    agentAccess: inv.agent_access,
    grant,
    agents,
  });
  await tx
    .updateTable('invitations')
    .set({ status: 'accepted', accepted_at: sql`now()`, accepted_by: userId, updated_at: sql`now()` })
    .where('id', '=', inv.id)
    .execute();
  const actor = { type: 'user' as const, id: userId, name: actorName };
  await recordActivity(tx, {
    workspaceId: inv.workspace_id,
    actor,
    action: 'invitation.accepted',
    target: { type: 'invitation', id: inv.id },
    after: { email: inv.email, joined, agentRoles },
    origin,
  });
  if (joined) {
    await recordActivity(tx, {
      workspaceId: inv.workspace_id,
      actor,
      action: 'member.added',
      target: { type: 'member', id: userId },
      after: {
        role: inv.role,
        agentAccess: inv.agent_access,
        presetId: inv.preset_id,
        agents,
        via: 'invitation',
      },
      origin,
    });
  }
  const member = await tx
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', inv.workspace_id)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const held = await tx
    .selectFrom('agent_members')
    .select(['agent_id', 'role'])
    .where('workspace_id', '=', inv.workspace_id)
    .where('user_id', '=', userId)
    .execute();
  return {
    workspaceId: inv.workspace_id,
    workspaceName: inv.workspace_name,
    userId,
    role: member.role,
    agents: held.map((h) => ({ agentId: h.agent_id, role: h.role })),
    revision: await bumpRevision(tx, inv.workspace_id),
  };
}
