import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, WorkspaceRoleColumn } from '../../db/schema';
import { notFound } from '../../errors';
import type { StoredGrant } from '../access/grants';

/** One row of the member list, before presentation. */
export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: WorkspaceRoleColumn;
  agent_access: 'all' | 'assigned';
  matrix: unknown;
  preset_id: string | null;
  created_at: Date;
  last_activity_at: Date | string | null;
}

export interface MemberAgentRow {
  user_id: string;
  agent_id: string;
  agent_name: string;
  role: 'agent_admin' | 'agent_user';
  matrix: unknown;
  preset_id: string | null;
}

export interface MemberQuery {
  q?: string;
  role?: WorkspaceRoleColumn;
  /** Only members whose email sorts after this one (cursor pagination). */
  afterEmail?: string;
  userIds?: readonly string[];
  limit?: number;
}

function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Members of one workspace, ordered by email (unique, so the cursor is
 * stable). Last activity is the later of the account's last sign-in/use and
 * the member's latest activity-log entry in this workspace.
 */
export async function findMembers(
  db: Kysely<DB>,
  workspaceId: string,
  query: MemberQuery,
): Promise<MemberRow[]> {
  let qb = db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'u.email',
      'u.name',
      'm.role',
      'm.agent_access',
      'm.matrix',
      'm.preset_id',
      'm.created_at',
      // The newest entry by this member here: one step down activity_log_ws_actor_idx (ids grow with time).
      sql<Date | null>`greatest(u.last_active_at, (
        SELECT a.created_at FROM activity_log a
        WHERE a.workspace_id = m.workspace_id AND a.actor_id = m.user_id::text AND a.actor_type = 'user'
        ORDER BY a.id DESC LIMIT 1
      ))`.as('last_activity_at'),
    ])
    .where('m.workspace_id', '=', workspaceId);
  if (query.q) {
    const pattern = likePattern(query.q.trim());
    qb = qb.where((eb) =>
      eb.or([eb(sql`lower(u.email)`, 'like', pattern), eb(sql`lower(u.name)`, 'like', pattern)]),
    );
  }
  if (query.role) qb = qb.where('m.role', '=', query.role);
  if (query.afterEmail !== undefined) qb = qb.where('u.email', '>', query.afterEmail);
  if (query.userIds) {
    if (query.userIds.length === 0) return [];
    qb = qb.where('m.user_id', 'in', query.userIds);
  }
  qb = qb.orderBy('u.email');
  if (query.limit !== undefined) qb = qb.limit(query.limit);
  return (await qb.execute()) as unknown as MemberRow[];
}

/** The agent roles held by these members. */
export async function findMemberAgents(
  db: Kysely<DB>,
  workspaceId: string,
  userIds: readonly string[],
): Promise<MemberAgentRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('agent_members as am')
    .innerJoin('agents as a', (j) =>
      j.onRef('a.id', '=', 'am.agent_id').onRef('a.workspace_id', '=', 'am.workspace_id'),
    )
    .select(['am.user_id', 'am.agent_id', 'a.name as agent_name', 'am.role', 'am.matrix', 'am.preset_id'])
    .where('am.workspace_id', '=', workspaceId)
    .where('am.user_id', 'in', userIds)
    .orderBy('a.name')
    .execute();
}

/** How many admins the workspace has (read inside the transaction that holds the workspace lock). */
export async function countAdmins(db: Kysely<DB>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('workspace_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A member's access row, locked for the rest of the transaction; 404 when not a member. */
export async function lockMember(tx: Transaction<DB>, workspaceId: string, userId: string) {
  const row = await tx
    .selectFrom('workspace_members')
    .select(['user_id', 'role', 'agent_access', 'matrix', 'preset_id'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('member');
  return row;
}

/** Several members' grants, locked; only those that are members come back. */
export async function lockMemberGrants(tx: Transaction<DB>, workspaceId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return tx
    .selectFrom('workspace_members')
    .select(['user_id', 'matrix', 'preset_id'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .forUpdate()
    .execute();
}

/** The fields of a membership a command may change. */
export interface MembershipChange {
  role?: WorkspaceRoleColumn;
  agentAccess?: 'all' | 'assigned';
  grant?: StoredGrant;
}

/** Updates one membership. */
export async function updateMembership(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
  change: MembershipChange,
): Promise<void> {
  await tx
    .updateTable('workspace_members')
    .set({
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.agentAccess !== undefined ? { agent_access: change.agentAccess } : {}),
      ...(change.grant !== undefined
        ? {
            matrix: change.grant.matrix ? JSON.stringify(change.grant.matrix) : null,
            preset_id: change.grant.presetId,
          }
        : {}),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

/** Removes a membership; the member's agent roles go with it (foreign key cascade). */
export async function deleteMembership(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
): Promise<void> {
  await tx
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

/** Removes every agent role of a member in this workspace; returns what was removed. */
export async function deleteAgentRolesOf(tx: Transaction<DB>, workspaceId: string, userId: string) {
  return tx
    .deleteFrom('agent_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .returning(['agent_id', 'role'])
    .execute();
}

/** The email of an account (the member to confirm a removal by). */
export async function emailOf(tx: Transaction<DB>, userId: string): Promise<string> {
  const user = await tx
    .selectFrom('users')
    .select(['email'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return user.email;
}

/**
 * Makes a user a member of the workspace if they are not one yet
 * (docs/rules.md §4 "anyone invited to the workspace or to any of its agents
 * is a member"). Returns whether a membership was created. Never changes an
 * existing one.
 */
export async function ensureWorkspaceMember(
  tx: Transaction<DB>,
  input: {
    workspaceId: string;
    userId: string;
    role: WorkspaceRoleColumn;
    agentAccess: 'all' | 'assigned';
    grant: StoredGrant | null;
  },
): Promise<boolean> {
  const inserted = await tx
    .insertInto('workspace_members')
    .values({
      workspace_id: input.workspaceId,
      user_id: input.userId,
      role: input.role,
      agent_access: input.role === 'admin' ? 'all' : input.agentAccess,
      matrix: input.grant?.matrix ? JSON.stringify(input.grant.matrix) : null,
      preset_id: input.grant?.presetId ?? null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}
