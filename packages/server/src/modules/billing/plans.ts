import type { AgentPlan, AgentStatus } from '../../db/schema';

/**
 * Billing's price list and money helpers (docs/rules.md §4 "Billing"). Money
 * is integer cents throughout; no floating point touches an amount.
 */

/** Price list (cents per month), conversations included, and the price of each extra one. */
export const PLANS = {
  starter: { priceCents: 0, includedConversations: 100, overageUnitCents: 0 },
  pro: { priceCents: 4_900, includedConversations: 1_000, overageUnitCents: 5 },
  enterprise: { priceCents: 49_900, includedConversations: 20_000, overageUnitCents: 3 },
} as const satisfies Record<
  AgentPlan,
  { priceCents: number; includedConversations: number; overageUnitCents: number }
>;

export const CURRENCY = 'usd';

/** Formats integer cents as US dollars: 490000 → "$4,900.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

export type SubscriptionStatus = 'active' | 'pending_approval' | 'rejected';

/** A paid agent's subscription status, read from the agent's approval status. */
export function subscriptionStatus(agentStatus: AgentStatus): SubscriptionStatus {
  return agentStatus === 'approved' ? 'active' : agentStatus;
}
