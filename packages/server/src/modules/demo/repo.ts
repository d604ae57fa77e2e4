import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import type { DemoAccount, DemoAgent } from './data';

/** The demo seed's SQL: inserts of a brand-new workspace (no UPDATE/DELETE of tenant rows). */

type Db = Kysely<DB> | Transaction<DB>;

/** The demo workspace, when an earlier run created it. */
export async function findDemoWorkspace(db: Db, adminEmail: string, name: string): Promise<string | null> {
  const row = await db
    .selectFrom('workspaces')
    .innerJoin('users', 'users.id', 'workspaces.created_by')
    .select('workspaces.id')
    .where('users.email', '=', adminEmail)
    .where('workspaces.name', '=', name)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Creates a verified account, or keeps the one with that email. */
export function upsertVerifiedUser(tx: Db, account: DemoAccount, passwordHash: string, now: Date) {
  return tx
    .insertInto('users')
    .values({
      email: account.email,
      name: account.name,
      password_hash: passwordHash,
      email_verified_at: now,
      avatar_url: null,
      last_active_at: null,
    })
    .onConflict((oc) => oc.column('email').doUpdateSet({ updated_at: now }))
    .returning(['id', 'name', 'email'])
    .executeTakeFirstOrThrow();
}

export async function insertWorkspace(tx: Db, name: string, createdBy: string): Promise<string> {
  const row = await tx
    .insertInto('workspaces')
    .values({ name, created_by: createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertMembers(
  tx: Db,
  workspaceId: string,
  members: { userId: string; account: DemoAccount }[],
): Promise<void> {
  await tx
    .insertInto('workspace_members')
    .values(
      members.map(({ userId, account }) => ({
        workspace_id: workspaceId,
        user_id: userId,
        role: account.role,
        agent_access: account.agentAccess,
        matrix: null,
        preset_id: account.presetId,
      })),
    )
    .execute();
}

export function insertAgents(tx: Db, workspaceId: string, agents: readonly DemoAgent[], createdBy: string) {
  return tx
    .insertInto('agents')
    .values(agents.map((a) => ({ workspace_id: workspaceId, ...a, created_by: createdBy })))
    .returning(['id', 'name'])
    .execute();
}

export async function insertAgentRoles(
  tx: Db,
  workspaceId: string,
  roles: { agentId: string; userId: string; role: 'agent_admin' | 'agent_user'; presetId: string | null }[],
): Promise<void> {
  if (roles.length === 0) return;
  await tx
    .insertInto('agent_members')
    .values(
      roles.map((r) => ({
        agent_id: r.agentId,
        workspace_id: workspaceId,
        user_id: r.userId,
        role: r.role,
        matrix: null,
        preset_id: r.presetId,
      })),
    )
    .execute();
}

/** The workspace's policy row (no named policies yet). */
export async function insertPolicies(tx: Db, workspaceId: string): Promise<void> {
  await tx
    .insertInto('workspace_policies')
    .values({ workspace_id: workspaceId, named: JSON.stringify([]) })
    .execute();
}
