import { defineCommand } from '../../../command/command';
import type { AgentPlan } from '../../../db/schema';
import { validationFailed } from '../../../errors';
import { isUuid } from '../../../ids';
import { changePlan, PLAN_CHANGED } from '../../agents/plan';
import { lockAgent } from '../../agents/repo';
import { getSubscription } from '../queries';
import { findPaymentMethod, lockSubscription, updateSubscriptionRow } from '../repo';
import { workspaceOf } from './profile';

/**
 * An agent's subscription (docs/rules.md §4 "Billing": a subscription per
 * paid agent, overages allowed or prevented per agent, a payment method per
 * agent overriding the default).
 */

/**
 * A workspace admin changes an agent's plan or its overage setting
 * (docs/rules.md §2 "billing: plans, subscriptions"; §4 "admins allow or
 * prevent overages per agent"). The plan goes through the agents module's
 * one plan rule ({@link changePlan}), exactly as `PATCH …/agents/{id}` does:
 * a plan a workspace admin sets is approved at once and a paid one starts
 * its subscription.
 */
export const updateSubscription = defineCommand({
  name: 'billing.update_subscription',
  actions: [PLAN_CHANGED, 'subscription.overage_changed'],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(
    ctx,
    { agentId, patch }: { agentId: string; patch: { plan?: AgentPlan; overage?: 'allow' | 'prevent' } },
  ) {
    const workspaceId = workspaceOf(ctx);
    const agent = await lockAgent(ctx.tx, workspaceId, agentId);
    if (patch.plan) await changePlan(ctx, agent, patch.plan);
    const before = patch.overage ? await lockSubscription(ctx.tx, workspaceId, agentId) : null;
    if (before && patch.overage && patch.overage !== before.overage) {
      await updateSubscriptionRow(ctx.tx, workspaceId, before.id, { overage: patch.overage });
      await ctx.record({
        action: 'subscription.overage_changed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { overage: before.overage },
        after: { overage: patch.overage },
      });
    }
    return getSubscription(ctx.tx, workspaceId, agentId);
  },
});

/**
 * Attaches one of the workspace's payment methods to an agent (null: use the
 * default). Workspace admins only (`agent.approve`, docs/rules.md §2): never
 * an agent admin acting on their own agent.
 */
export const attachPaymentMethod = defineCommand({
  name: 'billing.attach_payment_method',
  actions: ['subscription.payment_method_attached'],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(ctx, { agentId, paymentMethodId }: { agentId: string; paymentMethodId: string | null }) {
    const workspaceId = workspaceOf(ctx);
    const agent = await lockAgent(ctx.tx, workspaceId, agentId);
    let pm: { id: string; brand: string; last4: string } | null = null;
    if (paymentMethodId !== null) {
      const found = isUuid(paymentMethodId)
        ? await findPaymentMethod(ctx.tx, workspaceId, paymentMethodId)
        : undefined;
      if (!found) {
        throw validationFailed([
          { path: '/body/paymentMethodId', message: 'no such payment method in this workspace' },
        ]);
      }
      pm = found;
    }
    const before = await lockSubscription(ctx.tx, workspaceId, agentId);
    await updateSubscriptionRow(ctx.tx, workspaceId, before.id, { paymentMethodId: pm?.id ?? null });
    await ctx.record({
      action: 'subscription.payment_method_attached',
      target: { type: 'agent', id: agent.id },
      agentId,
      before: { paymentMethodId: before.payment_method_id },
      after: { paymentMethodId: pm?.id ?? null, brand: pm?.brand ?? null, last4: pm?.last4 ?? null },
    });
    return getSubscription(ctx.tx, workspaceId, agentId);
  },
});
