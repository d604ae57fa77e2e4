import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordActivity } from '../../audit/record';
import { bumpRevision } from '../../command/revision';
import type { AgentPlan, AgentRoleColumn, AgentStatus, DB, MatrixJson } from '../../db/schema';
import { notFound, problem } from '../../errors';
import { enqueueEmail } from '../../mail/outbox';
import { onAgentApproved } from '../billing/service';
import { addedToWorkspaceTemplate } from '../invitations/templates';
import { ensureWorkspaceMember } from '../members/repo';
import {
  assertWithinOwnGrant,
  canBlock,
  type GrantInput,
  grantActivity,
  grantDiff,
  grantMatrix,
  inTransaction,
  isoOf,
  lockWorkspace,
  parseGrant,
  presentGrant,
  requireConfirmation,
  requireUuid,
  type StoredGrant,
  type WriteContext,
} from '../workspaces/common';

/** An agent as the API shows it to one caller. */
export interface AgentView {
  id: string;
  name: string;
  /** Plan and status: only for those who may see them (`agent.view_plan`: its agent admins, workspace admins). */
  plan: AgentPlan | null;
  status: AgentStatus | null;
  myRole: AgentRoleColumn | null;
  createdBy: string | null;
  createdAt: string;
  memberCount: number;
  can: Record<string, boolean>;
}

const isPaid = (plan: AgentPlan) => plan !== 'starter';

function isWorkspaceAdmin(state: WorkspaceState, subject: Subject): boolean {
  return hasCapability(state, subject, 'workspace.manage');
}

/**
 * The status a plan gets when `actor` sets it (SPEC §4 "Agents and plans"):
 * starter is approved at once; a paid plan is approved at once for a
 * workspace admin and waits for approval otherwise.
 */
export function statusFor(plan: AgentPlan, actorIsAdmin: boolean): AgentStatus {
  return !isPaid(plan) || actorIsAdmin ? 'approved' : 'pending_approval';
}

async function agentRows(db: Kysely<DB>, workspaceId: string, agentId?: string) {
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

function present(
  state: WorkspaceState,
  subject: Subject,
  row: Awaited<ReturnType<typeof agentRows>>[number],
): AgentView {
  const can = canBlock(state, subject, row.id);
  const seesPlan = can['agent.view_plan'] === true;
  const myRole =
    'userId' in subject ? (state.agents.get(row.id)?.members.get(subject.userId)?.role ?? null) : null;
  return {
    id: row.id,
    name: row.name,
    plan: seesPlan ? row.plan : null,
    status: seesPlan ? row.status : null,
    myRole,
    createdBy: row.created_by,
    createdAt: isoOf(row.created_at),
    memberCount: Number(row.member_count ?? 0),
    can,
  };
}

/** The agents the caller has access to (workspace admins: all; SPEC §4 "Membership"). */
export async function listAgents(
  db: Kysely<DB>,
  state: WorkspaceState,
  subject: Subject,
): Promise<AgentView[]> {
  const rows = await agentRows(db, state.workspaceId);
  return rows
    .filter((r) => hasCapability(state, subject, 'agent.read', r.id))
    .map((r) => present(state, subject, r));
}

/** One agent (the guard already answered 404 when the caller has no access to it). */
export async function getAgent(
  db: Kysely<DB>,
  state: WorkspaceState,
  subject: Subject,
  agentId: string,
): Promise<AgentView> {
  const [row] = await agentRows(db, state.workspaceId, agentId);
  if (!row) throw notFound('agent');
  return present(state, subject, row);
}

/**
 * Creates an agent; its creator becomes its `agent_admin` (SPEC §2 "create
 * an agent: any member"). A paid agent created by a non-admin is
 * `pending_approval` until a workspace admin decides.
 */
export async function createAgent(
  db: Kysely<DB>,
  state: WorkspaceState,
  userId: string,
  input: { name: string; plan: AgentPlan },
  ctx: WriteContext,
): Promise<{ id: string; revision: number }> {
  const admin = isWorkspaceAdmin(state, { userId });
  const status = statusFor(input.plan, admin);
  return inTransaction(db, async (tx) => {
    const agent = await tx
      .insertInto('agents')
      .values({
        workspace_id: state.workspaceId,
        name: input.name,
        plan: input.plan,
        status,
        created_by: userId,
        approval_requested_by: status === 'pending_approval' ? userId : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // A paid agent approved at creation (a workspace admin's own) starts its subscription now.
    if (status === 'approved')
      await onAgentApproved(tx, { id: agent.id, workspace_id: state.workspaceId, plan: input.plan });
    await tx
      .insertInto('agent_members')
      .values({
        agent_id: agent.id,
        workspace_id: state.workspaceId,
        user_id: userId,
        role: 'agent_admin',
        matrix: null,
        preset_id: null,
      })
      .execute();
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'agent.created',
      target: { type: 'agent', id: agent.id },
      agentId: agent.id,
      after: { name: input.name, plan: input.plan, status },
      origin: ctx.origin,
    });
    return { id: agent.id, revision: await bumpRevision(tx, state.workspaceId) };
  });
}

async function lockedAgent(tx: Transaction<DB>, workspaceId: string, agentId: string) {
  const row = await tx
    .selectFrom('agents')
    .select(['id', 'name', 'plan', 'status', 'created_by', 'approval_requested_by'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('agent');
  return row;
}

/**
 * Renames an agent and/or changes its plan (agent.manage). A paid plan set
 * by a non-admin goes back to `pending_approval` (SPEC §4); a change to
 * starter, or by a workspace admin, is approved at once.
 */
export async function updateAgent(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  agentId: string,
  patch: { name?: string; plan?: AgentPlan },
  ctx: WriteContext,
): Promise<{ revision: number }> {
  const admin = isWorkspaceAdmin(state, actor);
  return inTransaction(db, async (tx) => {
    const before = await lockedAgent(tx, state.workspaceId, agentId);
    let changed = false;
    if (patch.name !== undefined && patch.name !== before.name) {
      await tx
        .updateTable('agents')
        .set({ name: patch.name, updated_at: sql`now()` })
        .where('id', '=', agentId)
        .execute();
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: 'agent.renamed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { name: before.name },
        after: { name: patch.name },
        origin: ctx.origin,
      });
      changed = true;
    }
    if (patch.plan !== undefined && patch.plan !== before.plan) {
      const status = statusFor(patch.plan, admin);
      const requester = status === 'pending_approval' && 'userId' in actor ? actor.userId : null;
      await tx
        .updateTable('agents')
        .set({ plan: patch.plan, status, approval_requested_by: requester, updated_at: sql`now()` })
        .where('id', '=', agentId)
        .execute();
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: 'agent.plan_changed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { plan: before.plan, status: before.status },
        after: { plan: patch.plan, status },
        origin: ctx.origin,
      });
      if (status === 'approved') {
        await onAgentApproved(tx, { id: agentId, workspace_id: state.workspaceId, plan: patch.plan });
      }
      changed = true;
    }
    return { revision: changed ? await bumpRevision(tx, state.workspaceId) : state.revision };
  });
}

/**
 * Approves or rejects a paid agent waiting for approval (agent.approve:
 * workspace admins only). Whoever asked for the paid plan can never decide on
 * it themselves (SPEC §2 "never an agent admin acting on their own agent").
 */
export async function decideAgent(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  agentId: string,
  decision: 'approved' | 'rejected',
  ctx: WriteContext,
): Promise<{ revision: number }> {
  return inTransaction(db, async (tx) => {
    const agent = await lockedAgent(tx, state.workspaceId, agentId);
    const actorId = 'userId' in actor ? actor.userId : null;
    if (actorId !== null && (agent.approval_requested_by === actorId || agent.created_by === actorId)) {
      throw problem('forbidden', 'An agent admin can never approve or reject their own paid agent');
    }
    if (agent.status !== 'pending_approval') {
      throw problem('conflict', `This agent is not waiting for approval (it is ${agent.status})`, {
        status: agent.status,
      });
    }
    await tx
      .updateTable('agents')
      .set({ status: decision, updated_at: sql`now()` })
      .where('id', '=', agentId)
      .execute();
    // SPEC §4: the paid agent's subscription becomes active when it is approved.
    if (decision === 'approved') {
      await onAgentApproved(tx, { id: agent.id, workspace_id: state.workspaceId, plan: agent.plan });
    }
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: decision === 'approved' ? 'agent.approved' : 'agent.rejected',
      target: { type: 'agent', id: agentId },
      agentId,
      before: { plan: agent.plan, status: agent.status, requestedBy: agent.approval_requested_by },
      after: { plan: agent.plan, status: decision },
      origin: ctx.origin,
    });
    return { revision: await bumpRevision(tx, state.workspaceId) };
  });
}

/** Deletes an agent once its name is typed (SPEC §4 "Deleting"); its agent roles go with it. */
export async function deleteAgent(
  db: Kysely<DB>,
  state: WorkspaceState,
  agentId: string,
  confirm: string | undefined,
  ctx: WriteContext,
) {
  return inTransaction(db, async (tx) => {
    const agent = await lockedAgent(tx, state.workspaceId, agentId);
    requireConfirmation(confirm, agent.name, 'agent name');
    await tx
      .deleteFrom('agents')
      .where('workspace_id', '=', state.workspaceId)
      .where('id', '=', agentId)
      .execute();
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'agent.deleted',
      target: { type: 'agent', id: agentId },
      agentId,
      before: { name: agent.name, plan: agent.plan, status: agent.status },
      origin: ctx.origin,
    });
    return { deleted: true as const, revision: await bumpRevision(tx, state.workspaceId) };
  });
}

/** One agent membership as the API shows it. */
export interface AgentMemberView {
  userId: string;
  email: string;
  name: string;
  role: AgentRoleColumn;
  workspaceRole: 'admin' | 'member';
  matrix: MatrixJson | null;
  presetId: string | null;
  addedAt: string;
}

async function agentMemberRows(db: Kysely<DB>, workspaceId: string, agentId: string, userId?: string) {
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
  const rows = await qb.orderBy('u.email').execute();
  return rows.map(
    (r): AgentMemberView => ({
      userId: r.user_id,
      email: r.email,
      name: r.name,
      role: r.role,
      workspaceRole: r.workspace_role,
      ...presentGrant(r),
      addedAt: isoOf(r.created_at),
    }),
  );
}

/** The users of an agent. */
export function listAgentMembers(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return agentMemberRows(db, workspaceId, agentId);
}

/** One user of an agent, or 404. */
export async function getAgentMember(db: Kysely<DB>, workspaceId: string, agentId: string, userId: string) {
  requireUuid(userId, 'agent member');
  const [row] = await agentMemberRows(db, workspaceId, agentId, userId);
  if (!row) throw notFound('agent member');
  return row;
}

/**
 * "Nobody grants what they do not hold" for agent grants (SPEC §4): a
 * workspace admin holds everything; an agent admin holds edit on every item
 * of their agent, as capped by the workspace's policies, and may grant up to
 * that on that agent (and the agent_admin role itself), nothing more.
 */
function checkAgentGrant(state: WorkspaceState, actor: Subject, agentId: string, grant: StoredGrant | null) {
  if (grant === null || isWorkspaceAdmin(state, actor)) return;
  assertWithinOwnGrant(state, actor, agentId, grantMatrix(state, grant));
}

export interface AddAgentMemberInput extends GrantInput {
  userId?: string;
  email?: string;
  role: AgentRoleColumn;
}

/**
 * Gives a user a role on an agent (agent.manage: its agent admins or a
 * workspace admin). `userId` names a workspace member; `email` names any
 * existing account, which becomes a workspace member (role `member`, agent
 * access `assigned`) as SPEC §4 says: "anyone invited to … any of its agents
 * is a member". To reach an address without an account, send an invitation.
 */
export async function addAgentMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  agentId: string,
  input: AddAgentMemberInput,
  ctx: WriteContext,
  publicUrl: string,
): Promise<{ userId: string; revision: number; joinedWorkspace: boolean }> {
  const grant = parseGrant(state, input);
  checkAgentGrant(state, actor, agentId, grant);
  return inTransaction(db, async (tx) => {
    await lockWorkspace(tx, state.workspaceId);
    await lockedAgent(tx, state.workspaceId, agentId);
    let userId: string;
    if (input.userId) {
      requireUuid(input.userId, 'member');
      const member = await tx
        .selectFrom('workspace_members')
        .select('user_id')
        .where('workspace_id', '=', state.workspaceId)
        .where('user_id', '=', input.userId)
        .executeTakeFirst();
      if (!member) throw notFound('member');
      userId = member.user_id;
    } else {
      const email = (input.email ?? '').trim().toLowerCase();
      const user = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (!user) {
        throw problem('not_found', 'No account has this email: send an invitation instead', {
          errors: [{ path: '/body/email', message: 'no account with this email' }],
        });
      }
      userId = user.id;
    }
    const joinedWorkspace = await ensureWorkspaceMember(tx, {
      workspaceId: state.workspaceId,
      userId,
      role: 'member',
      agentAccess: 'assigned',
      grant: null,
    });
    const inserted = await tx
      .insertInto('agent_members')
      .values({
        agent_id: agentId,
        workspace_id: state.workspaceId,
        user_id: userId,
        role: input.role,
        matrix: grant?.matrix ? JSON.stringify(grant.matrix) : null,
        preset_id: grant?.presetId ?? null,
      })
      .onConflict((oc) => oc.columns(['agent_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!inserted) throw problem('conflict', 'This user already has a role on this agent; change it instead');
    if (joinedWorkspace) {
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: 'member.added',
        target: { type: 'member', id: userId },
        after: { role: 'member', agentAccess: 'assigned', via: 'agent', agentId },
        origin: ctx.origin,
      });
      // Someone who joins a workspace hears about it (as with an invitation to an existing account).
      const names = await tx
        .selectFrom('users as u')
        .innerJoin('agents as a', (j) => j.on('a.id', '=', agentId))
        .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
        .select(['u.email', 'u.name', 'a.name as agent_name', 'w.name as workspace_name'])
        .where('u.id', '=', userId)
        .executeTakeFirstOrThrow();
      const mail = addedToWorkspaceTemplate({
        name: names.name,
        inviter: ctx.actor.name ?? 'Someone',
        workspace: names.workspace_name,
        agents: [names.agent_name],
        url: publicUrl,
      });
      await enqueueEmail(tx, {
        to: names.email,
        ...mail,
        idempotencyKey: `workspace_added:${state.workspaceId}:${userId}:${Date.now()}`,
      });
    }
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'agent_member.added',
      target: { type: 'member', id: userId },
      agentId,
      before: null,
      after: { role: input.role, ...grantActivity(state, null, grant).after },
      origin: ctx.origin,
    });
    return { userId, joinedWorkspace, revision: await bumpRevision(tx, state.workspaceId) };
  });
}

async function lockedAgentMember(tx: Transaction<DB>, workspaceId: string, agentId: string, userId: string) {
  requireUuid(userId, 'agent member');
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

/** Changes a user's agent role and/or agent grant (agent.manage; never one's own). */
export async function updateAgentMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  agentId: string,
  userId: string,
  patch: GrantInput & { role?: AgentRoleColumn },
  ctx: WriteContext,
): Promise<{ revision: number }> {
  const grant = parseGrant(state, patch);
  return inTransaction(db, async (tx) => {
    const before = await lockedAgentMember(tx, state.workspaceId, agentId, userId);
    if ('userId' in actor && actor.userId === userId) {
      throw problem('forbidden', 'Nobody edits their own role or permissions');
    }
    checkAgentGrant(state, actor, agentId, grant);
    let changed = false;
    const target = { type: 'member', id: userId };
    if (patch.role !== undefined && patch.role !== before.role) {
      await tx
        .updateTable('agent_members')
        .set({ role: patch.role, updated_at: sql`now()` })
        .where('agent_id', '=', agentId)
        .where('user_id', '=', userId)
        .execute();
      await recordActivity(tx, {
        workspaceId: state.workspaceId,
        actor: ctx.actor,
        action: 'agent_member.role_changed',
        target,
        agentId,
        before: { role: before.role },
        after: { role: patch.role },
        origin: ctx.origin,
      });
      changed = true;
    }
    if (grant !== null) {
      const current: StoredGrant = { matrix: before.matrix as MatrixJson | null, presetId: before.preset_id };
      const changes = grantDiff(state, current, grant);
      if (changes.length > 0 || current.presetId !== grant.presetId) {
        await tx
          .updateTable('agent_members')
          .set({
            matrix: grant.matrix ? JSON.stringify(grant.matrix) : null,
            preset_id: grant.presetId,
            updated_at: sql`now()`,
          })
          .where('agent_id', '=', agentId)
          .where('user_id', '=', userId)
          .execute();
        await recordActivity(tx, {
          workspaceId: state.workspaceId,
          actor: ctx.actor,
          action: 'permissions.updated',
          target,
          agentId,
          ...grantActivity(state, current, grant),
          origin: ctx.origin,
        });
        changed = true;
      }
    }
    return { revision: changed ? await bumpRevision(tx, state.workspaceId) : state.revision };
  });
}

/** Takes a user's role on an agent away (agent.manage; never one's own). They stay a workspace member. */
export async function removeAgentMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  agentId: string,
  userId: string,
  ctx: WriteContext,
) {
  return inTransaction(db, async (tx) => {
    const before = await lockedAgentMember(tx, state.workspaceId, agentId, userId);
    if ('userId' in actor && actor.userId === userId) {
      throw problem(
        'forbidden',
        'Nobody removes their own agent role; ask another agent admin or a workspace admin',
      );
    }
    await tx
      .deleteFrom('agent_members')
      .where('agent_id', '=', agentId)
      .where('user_id', '=', userId)
      .execute();
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'agent_member.removed',
      target: { type: 'member', id: userId },
      agentId,
      before: { role: before.role, ...presentGrant(before) },
      origin: ctx.origin,
    });
    return { removed: true as const, revision: await bumpRevision(tx, state.workspaceId) };
  });
}
