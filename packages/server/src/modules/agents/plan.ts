import { hasCapability } from '@atrium/policy';
import type { CommandContext } from '../../command/command';
import type { AgentPlan, AgentStatus } from '../../db/schema';
import { type LockedAgent, startSubscription, updateAgentRow } from './repo';

/**
 * The plan rules of an agent (docs/rules.md §4 "Agents and plans", §8 "Paid
 * plans": every path that changes a plan applies the same rule). Both routes
 * that change a plan — `PATCH …/agents/{id}` and `PATCH
 * …/agents/{id}/subscription` — go through {@link changePlan}.
 */

const isPaid = (plan: AgentPlan) => plan !== 'starter';

/** The activity action {@link changePlan} writes: commands that call it declare it. */
export const PLAN_CHANGED = 'agent.plan_changed';

/**
 * The status a plan gets when it is set: starter is approved at once; a paid
 * plan is approved at once for a workspace admin and waits for approval
 * otherwise.
 */
export function statusFor(plan: AgentPlan, actorIsAdmin: boolean): AgentStatus {
  return !isPaid(plan) || actorIsAdmin ? 'approved' : 'pending_approval';
}

/** Whether whoever runs the command is a workspace admin (the system, acting by itself, counts as one). */
export function actsAsAdmin(ctx: CommandContext): boolean {
  if (ctx.subject === null) return true;
  return ctx.state !== null && hasCapability(ctx.state, ctx.subject, 'workspace.manage');
}

/**
 * What happens when a paid agent is approved (docs/rules.md §4 "a
 * subscription per paid agent that becomes active when the agent is
 * approved"): its subscription starts, in the approving transaction.
 */
export async function onAgentApproved(
  ctx: CommandContext,
  agent: { id: string; workspace_id: string; plan: AgentPlan },
): Promise<void> {
  if (!isPaid(agent.plan)) return;
  await startSubscription(ctx.tx, agent.workspace_id, agent.id);
}

/**
 * Changes an agent's plan, in the command that calls it (which holds the
 * agent's row lock and declares {@link PLAN_CHANGED}): the new status
 * follows {@link statusFor}; a plan waiting for approval names who asked for
 * it (they may never decide on it, docs/rules.md §2); an approved paid plan
 * starts the subscription. Returns the new status; nothing happens when the
 * plan is unchanged.
 */
export async function changePlan(
  ctx: CommandContext,
  agent: LockedAgent,
  plan: AgentPlan,
): Promise<AgentStatus> {
  if (plan === agent.plan) return agent.status;
  const status = statusFor(plan, actsAsAdmin(ctx));
  const requester = status === 'pending_approval' ? ctx.userId : null;
  await updateAgentRow(ctx.tx, agent.workspace_id, agent.id, {
    plan,
    status,
    approvalRequestedBy: requester,
  });
  await ctx.record({
    action: 'agent.plan_changed',
    target: { type: 'agent', id: agent.id },
    agentId: agent.id,
    before: { plan: agent.plan, status: agent.status },
    after: { plan, status },
  });
  if (status === 'approved') await onAgentApproved(ctx, { ...agent, plan });
  return status;
}
