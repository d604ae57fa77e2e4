import { type Kysely, sql } from 'kysely';
import type { DB, WorkspaceRoleColumn } from '../../db/schema';

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
