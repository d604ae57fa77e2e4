import { type Kysely, sql, type Transaction } from 'kysely';
import type { AgentPlan, AgentRoleColumn, AgentStatus, DB } from '../../db/schema';
import { notFound } from '../../errors';
import type { StoredGrant } from '../access/grants';

/**
 * Every SQL statement of the agents module (docs/architecture.md,
 * "Repositories"). Each UPDATE and DELETE names `workspace_id`. Billing reads
 * agents through {@link lockAgent} too: one lookup for both modules.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** Agents of a workspace (or one of them) with their member count, oldest first. */
export async function findAgents(db: Db, workspaceId: string, agentId?: string) {
  let qb = db
    .selectFrom('agents as a')
    .select((eb) => [
      'a.id',
      'a.name',
      'a.plan',
      'a.status',
      'a.created_by',
      'a.created_at',
      'a.approval_requested_by',
      eb
        .selectFrom('agent_members as am')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('am.agent_id', '=', 'a.id')
        .as('member_count'),
    ])
    .where('a.workspace_id', '=', workspaceId);
  if (agentId) qb = qb.where('a.id', '=', agentId);
  return qb.orderBy('a.created_at').orderBy('a.id').execute();
}

export type AgentRow = Awaited<ReturnType<typeof findAgents>>[number];

/** An agent as the commands of both agents and billing see it. */
export interface LockedAgent {
  id: string;
  workspace_id: string;
  name: string;
  plan: AgentPlan;
  status: AgentStatus;
  created_by: string | null;
  approval_requested_by: string | null;
}

/** An agent of this workspace, locked for the rest of the transaction; 404 otherwise. */
export async function lockAgent(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
): Promise<LockedAgent> {
  const row = await tx
    .selectFrom('agents')
    .select(['id', 'workspace_id', 'name', 'plan', 'status', 'created_by', 'approval_requested_by'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('agent');
  return row;
}

/** Inserts an agent; returns its id. */
export async function insertAgent(
  tx: Transaction<DB>,
  values: {
    workspaceId: string;
    name: string;
    plan: AgentPlan;
    status: AgentStatus;
    createdBy: string;
    approvalRequestedBy: string | null;
  },
): Promise<string> {
  const row = await tx
    .insertInto('agents')
    .values({
      workspace_id: values.workspaceId,
      name: values.name,
      plan: values.plan,
      status: values.status,
      created_by: values.createdBy,
      approval_requested_by: values.approvalRequestedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The fields of an agent a command may change. */
export interface AgentChange {
  name?: string;
  plan?: AgentPlan;
  status?: AgentStatus;
  approvalRequestedBy?: string | null;
}

/** Updates one agent. */
export async function updateAgentRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  change: AgentChange,
): Promise<void> {
  await tx
    .updateTable('agents')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.plan !== undefined ? { plan: change.plan } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.approvalRequestedBy !== undefined
        ? { approval_requested_by: change.approvalRequestedBy }
        : {}),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .execute();
}

/** Deletes an agent; its agent roles and agent caps go with it (foreign key cascade). */
export async function deleteAgentRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
): Promise<void> {
  await tx.deleteFrom('agents').where('workspace_id', '=', workspaceId).where('id', '=', agentId).execute();
}

/**
 * Starts a paid agent's subscription (docs/rules.md §4: it "becomes active
 * when the agent is approved (in the transaction that approves it)"):
 * creates the subscription row if missing and records when it started, once.
 * Plan and status are read from the agent row, so the subscription is active
 * as soon as the approving transaction commits.
 */
export async function startSubscription(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
): Promise<void> {
  const now = new Date();
  await tx
    .insertInto('subscriptions')
    .values({ workspace_id: workspaceId, agent_id: agentId, payment_method_id: null, activated_at: now })
    .onConflict((oc) =>
      oc
        .column('agent_id')
        .doUpdateSet({ activated_at: now, updated_at: now })
        .where('subscriptions.workspace_id', '=', workspaceId)
        .where('subscriptions.activated_at', 'is', null),
    )
    .execute();
}

// ------------------------------------------------------------ agent members

/** The users of an agent (or one of them), with their workspace role, by email. */
export async function findAgentMembers(db: Db, workspaceId: string, agentId: string, userId?: string) {
  let qb = db
    .selectFrom('agent_members as am')
    .innerJoin('users as u', 'u.id', 'am.user_id')
    .innerJoin('workspace_members as m', (j) =>
      j.onRef('m.workspace_id', '=', 'am.workspace_id').onRef('m.user_id', '=', 'am.user_id'),
    )
    .select([
      'am.user_id',
      'u.email',
      'u.name',
      'am.role',
      'm.role as workspace_role',
      'am.matrix',
      'am.preset_id',
      'am.created_at',
    ])
    .where('am.workspace_id', '=', workspaceId)
    .where('am.agent_id', '=', agentId);
  if (userId) qb = qb.where('am.user_id', '=', userId);
  return qb.orderBy('u.email').execute();
}

/** Whether a user is a member of the workspace: their id, or null. */
export async function findMemberId(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
): Promise<string | null> {
  const row = await tx
    .selectFrom('workspace_members')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Gives a user a role on an agent; false when they already hold one. */
export async function insertAgentMember(
  tx: Transaction<DB>,
  values: {
    workspaceId: string;
    agentId: string;
    userId: string;
    role: AgentRoleColumn;
    grant: StoredGrant | null;
  },
): Promise<boolean> {
  const inserted = await tx
    .insertInto('agent_members')
    .values({
      agent_id: values.agentId,
      workspace_id: values.workspaceId,
      user_id: values.userId,
      role: values.role,
      matrix: values.grant?.matrix ? JSON.stringify(values.grant.matrix) : null,
      preset_id: values.grant?.presetId ?? null,
    })
    .onConflict((oc) => oc.columns(['agent_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** A user's role on an agent, locked; 404 when they hold none. */
export async function lockAgentMember(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  userId: string,
) {
  const row = await tx
    .selectFrom('agent_members')
    .select(['user_id', 'role', 'matrix', 'preset_id'])
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('agent member');
  return row;
}

/** Changes a user's agent role and/or agent grant. */
export async function updateAgentMemberRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  userId: string,
  change: { role?: AgentRoleColumn; grant?: StoredGrant },
): Promise<void> {
  await tx
    .updateTable('agent_members')
    .set({
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.grant !== undefined
        ? {
            matrix: change.grant.matrix ? JSON.stringify(change.grant.matrix) : null,
            preset_id: change.grant.presetId,
          }
        : {}),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('user_id', '=', userId)
    .execute();
}

/** Takes a user's role on an agent away. */
export async function deleteAgentMember(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  userId: string,
): Promise<void> {
  await tx
    .deleteFrom('agent_members')
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('user_id', '=', userId)
    .execute();
}
