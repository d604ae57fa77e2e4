import type { Kysely, Transaction } from 'kysely';
import type { AgentRoleColumn, DB, InvitationAgentJson, WorkspaceRoleColumn } from '../../db/schema';
import type { StoredGrant } from '../access/grants';
import { ensureWorkspaceMember } from '../members/repo';

/**
 * The accounts and memberships an invitation touches (docs/architecture.md,
 * "Repositories"): the invitee's account, their joining, their agent roles.
 */

// ---------------------------------------------------------------- accounts

/** The account with this (normalised) email, if any. */
export async function findUserByEmail(db: Kysely<DB> | Transaction<DB>, email: string) {
  return db.selectFrom('users').select(['id', 'name']).where('email', '=', email).executeTakeFirst();
}

/** The workspace member with this (normalised) email, if any, and the agents they hold a role on. */
export async function findMemberByEmail(
  tx: Transaction<DB>,
  workspaceId: string,
  email: string,
): Promise<{ userId: string; agentIds: string[] } | null> {
  const member = await tx
    .selectFrom('workspace_members as wm')
    .innerJoin('users as u', 'u.id', 'wm.user_id')
    .select('wm.user_id')
    .where('wm.workspace_id', '=', workspaceId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  if (!member) return null;
  const held = await tx
    .selectFrom('agent_members')
    .select('agent_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', member.user_id)
    .execute();
  return { userId: member.user_id, agentIds: held.map((h) => h.agent_id) };
}

/** When the account's email was verified (null: not yet). */
export async function emailVerifiedAt(tx: Transaction<DB>, userId: string): Promise<unknown> {
  const user = await tx
    .selectFrom('users')
    .select('email_verified_at')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return user.email_verified_at;
}

/**
 * Creates the account of someone accepting by link: the token arrived at
 * this address, which proves it like a verification link.
 */
export async function insertInvitedUser(
  tx: Transaction<DB>,
  input: { email: string; name: string; passwordHash: string },
) {
  return tx
    .insertInto('users')
    .values({
      email: input.email,
      name: input.name,
      password_hash: input.passwordHash,
      avatar_url: null,
      email_verified_at: new Date(),
      last_active_at: new Date(),
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------- membership

/** What an invitation gives: a workspace membership (if not one yet) and agent roles. */
export interface InvitedMembership {
  role: WorkspaceRoleColumn;
  agentAccess: 'all' | 'assigned';
  grant: StoredGrant | null;
  agents: InvitationAgentJson[];
}

async function isMember(tx: Transaction<DB>, workspaceId: string, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('workspace_members')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives a user the agent roles of an invitation they do not hold yet; returns how many were new. */
async function grantAgentRoles(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
  agents: InvitationAgentJson[],
): Promise<number> {
  let added = 0;
  for (const a of agents) {
    const agent = await tx
      .selectFrom('agents as a')
      .leftJoin('agent_members as am', (j) =>
        j.onRef('am.agent_id', '=', 'a.id').on('am.user_id', '=', userId),
      )
      .select(['a.id', 'am.user_id as holder'])
      .where('a.workspace_id', '=', workspaceId)
      .where('a.id', '=', a.agentId)
      .executeTakeFirst();
    // The agent was deleted since the invitation was sent, or the role is held already.
    if (!agent || agent.holder !== null) continue;
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

/**
 * Applies an invitation's membership to a user: joins the workspace (an
 * existing membership is never changed: an invitation does not demote or
 * promote) and takes the agent roles. Writes only what is new, so an
 * invitation that changes nothing changes no access row.
 */
export async function applyMembership(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
  m: InvitedMembership,
): Promise<{ joined: boolean; agentRoles: number }> {
  const joined =
    !(await isMember(tx, workspaceId, userId)) &&
    (await ensureWorkspaceMember(tx, {
      workspaceId,
      userId,
      role: m.role,
      agentAccess: m.agentAccess,
      grant: m.grant,
    }));
  const agentRoles = await grantAgentRoles(tx, workspaceId, userId, m.agents);
  return { joined, agentRoles };
}

/** A member's workspace role and agent roles (after accepting). */
export async function rolesOf(tx: Transaction<DB>, workspaceId: string, userId: string) {
  const member = await tx
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const held = await tx
    .selectFrom('agent_members')
    .select(['agent_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
  return {
    role: member.role,
    agents: held.map((h) => ({ agentId: h.agent_id, role: h.role as AgentRoleColumn })),
  };
}

/** A workspace's current revision. */
export async function revisionOf(tx: Transaction<DB>, workspaceId: string): Promise<number> {
  const row = await tx
    .selectFrom('workspaces')
    .select('revision')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}
