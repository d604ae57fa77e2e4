import { type CommandContext, defineCommand } from '../../../command/command';
import { requireConfirmation } from '../../../command/confirm';
import type { AgentPlan } from '../../../db/schema';
import { problem } from '../../../errors';
import { actsAsAdmin, changePlan, onAgentApproved, PLAN_CHANGED, statusFor } from '../plan';
import { deleteAgentRow, insertAgent, insertAgentMember, lockAgent, updateAgentRow } from '../repo';

/**
 * An agent's life (docs/rules.md §2, §4 "Agents and plans"): create, rename
 * or change plan, approve or reject a paid plan, delete. Each runs inside the
 * command wrapper (command/command.ts), which holds the workspace lock,
 * records the activity entries and bumps the revision when access changed.
 */

function workspaceOf(ctx: CommandContext): string {
  if (!ctx.workspaceId) throw new Error('agent commands run in a workspace scope');
  return ctx.workspaceId;
}

function signedInUser(ctx: CommandContext): string {
  if (!ctx.userId) throw problem('forbidden', 'This action needs a signed-in user, not an API key');
  return ctx.userId;
}

/**
 * Creates an agent; its creator becomes its `agent_admin` (docs/rules.md §2
 * "create an agent: any member"). A paid agent created by a non-admin is
 * `pending_approval` until a workspace admin decides; one a workspace admin
 * creates is approved at once and its subscription starts.
 */
export const createAgent = defineCommand({
  name: 'agents.create',
  actions: ['agent.created'],
  async run(ctx, input: { name: string; plan: AgentPlan }) {
    const workspaceId = workspaceOf(ctx);
    const userId = signedInUser(ctx);
    const status = statusFor(input.plan, actsAsAdmin(ctx));
    const id = await insertAgent(ctx.tx, {
      workspaceId,
      name: input.name,
      plan: input.plan,
      status,
      createdBy: userId,
      approvalRequestedBy: status === 'pending_approval' ? userId : null,
    });
    if (status === 'approved')
      await onAgentApproved(ctx, { id, workspace_id: workspaceId, plan: input.plan });
    await insertAgentMember(ctx.tx, { workspaceId, agentId: id, userId, role: 'agent_admin', grant: null });
    await ctx.record({
      action: 'agent.created',
      target: { type: 'agent', id },
      agentId: id,
      after: { name: input.name, plan: input.plan, status },
    });
    return { id };
  },
});

/**
 * Renames an agent and/or changes its plan (agent.manage). The plan follows
 * the one plan rule of {@link changePlan}: a paid plan set by a non-admin
 * goes back to `pending_approval`; a change to starter, or by a workspace
 * admin, is approved at once.
 */
export const updateAgent = defineCommand({
  name: 'agents.update',
  actions: ['agent.renamed', PLAN_CHANGED],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(ctx, { agentId, patch }: { agentId: string; patch: { name?: string; plan?: AgentPlan } }) {
    const workspaceId = workspaceOf(ctx);
    const before = await lockAgent(ctx.tx, workspaceId, agentId);
    if (patch.name !== undefined && patch.name !== before.name) {
      await updateAgentRow(ctx.tx, workspaceId, agentId, { name: patch.name });
      await ctx.record({
        action: 'agent.renamed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { name: before.name },
        after: { name: patch.name },
      });
    }
    if (patch.plan !== undefined) await changePlan(ctx, before, patch.plan);
  },
});

/**
 * Approves or rejects a paid agent waiting for approval (agent.approve:
 * workspace admins only). Whoever asked for the paid plan can never decide on
 * it themselves (docs/rules.md §2 "never an agent admin acting on their own
 * agent"). Approval starts the subscription (docs/rules.md §4).
 */
export const decideAgent = defineCommand({
  name: 'agents.decide',
  actions: ['agent.approved', 'agent.rejected'],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(ctx, { agentId, decision }: { agentId: string; decision: 'approved' | 'rejected' }) {
    const workspaceId = workspaceOf(ctx);
    const agent = await lockAgent(ctx.tx, workspaceId, agentId);
    const actorId = ctx.userId;
    if (actorId !== null && (agent.approval_requested_by === actorId || agent.created_by === actorId)) {
      throw problem('forbidden', 'An agent admin can never approve or reject their own paid agent');
    }
    if (agent.status !== 'pending_approval') {
      throw problem('conflict', `This agent is not waiting for approval (it is ${agent.status})`, {
        status: agent.status,
      });
    }
    await updateAgentRow(ctx.tx, workspaceId, agentId, { status: decision });
    if (decision === 'approved') await onAgentApproved(ctx, agent);
    await ctx.record({
      action: decision === 'approved' ? 'agent.approved' : 'agent.rejected',
      target: { type: 'agent', id: agentId },
      agentId,
      before: { plan: agent.plan, status: agent.status, requestedBy: agent.approval_requested_by },
      after: { plan: agent.plan, status: decision },
    });
  },
});

/** Deletes an agent once its name is typed (docs/rules.md §4 "Deleting"); its agent roles go with it. */
export const deleteAgent = defineCommand({
  name: 'agents.delete',
  actions: ['agent.deleted'],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(ctx, { agentId, confirm }: { agentId: string; confirm: string | undefined }) {
    const workspaceId = workspaceOf(ctx);
    const agent = await lockAgent(ctx.tx, workspaceId, agentId);
    requireConfirmation(confirm, agent.name, 'agent name');
    await deleteAgentRow(ctx.tx, workspaceId, agentId);
    await ctx.record({
      action: 'agent.deleted',
      target: { type: 'agent', id: agentId },
      agentId,
      before: { name: agent.name, plan: agent.plan, status: agent.status },
    });
    return { deleted: true as const };
  },
});
