import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';
import { isoOf, isoOrNull } from '../../http/present';
import { requireUuid } from '../../ids';
import { findInvoice, findInvoiceLines, findInvoices } from './invoice-repo';
import { CURRENCY, PLANS, subscriptionStatus } from './plans';
import {
  findAgentPlan,
  findPaymentMethod,
  findPaymentMethods,
  findProfile,
  findSubscriptionRows,
  workspaceDefaults,
} from './repo';

/**
 * Billing's reads and how the API shows them (docs/rules.md §4 "Billing").
 * A subscription's plan and status are read from the agent itself (plan,
 * approval status) so billing and the approval flow can never disagree; the
 * `subscriptions` row holds only what billing adds (payment method, overage
 * setting, activation time). Commands call these with their transaction.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** The profile's defaults: the workspace's name, and its creator's email for invoices (docs/rules.md §4). */
export async function profileDefaults(db: Db, workspaceId: string) {
  const ws = await workspaceDefaults(db, workspaceId);
  return { orgName: ws.name, invoiceEmails: ws.email ? [ws.email] : [] };
}

/** The billing profile, or its defaults (workspace name, creator's email). */
export async function getProfile(db: Db, workspaceId: string) {
  const row = await findProfile(db, workspaceId);
  if (row) {
    return {
      orgName: row.org_name,
      invoiceEmails: row.invoice_emails as string[],
      defaultPaymentMethodId: row.default_payment_method_id,
    };
  }
  return { ...(await profileDefaults(db, workspaceId)), defaultPaymentMethodId: null as string | null };
}

/** The billing overview: org details, default method, monthly total of active subscriptions. */
export async function getBilling(db: Db, workspaceId: string) {
  const profile = await getProfile(db, workspaceId);
  const methods = await listPaymentMethods(db, workspaceId);
  const subs = await listSubscriptions(db, workspaceId);
  return {
    orgName: profile.orgName,
    invoiceEmails: profile.invoiceEmails,
    defaultPaymentMethod: methods.find((m) => m.isDefault) ?? null,
    monthlyTotalCents: subs.filter((s) => s.status === 'active').reduce((sum, s) => sum + s.priceCents, 0),
    currency: CURRENCY,
  };
}

/** Payment methods of the workspace (never the provider token), newest first, default marked. */
export async function listPaymentMethods(db: Db, workspaceId: string) {
  const profile = await getProfile(db, workspaceId);
  const rows = await findPaymentMethods(db, workspaceId);
  return rows.map((r) => ({
    id: r.id,
    brand: r.brand,
    last4: r.last4,
    expMonth: r.exp_month,
    expYear: r.exp_year,
    holderName: r.holder_name,
    isDefault: r.id === profile.defaultPaymentMethodId,
    createdAt: isoOf(r.created_at),
  }));
}

/** One payment method as {@link listPaymentMethods} shows it. */
export async function getPaymentMethod(db: Db, workspaceId: string, id: string) {
  const methods = await listPaymentMethods(db, workspaceId);
  return methods.find((m) => m.id === id) as (typeof methods)[number];
}

/** Every paid agent's subscription (one per paid agent), active or waiting. */
export async function listSubscriptions(db: Db, workspaceId: string, agentId?: string) {
  const profile = await getProfile(db, workspaceId);
  const rows = await findSubscriptionRows(db, workspaceId, agentId);
  const byId = new Map((await findPaymentMethods(db, workspaceId)).map((m) => [m.id, m]));
  return rows.map((r) => {
    const plan = r.plan as 'pro' | 'enterprise';
    const own = r.payment_method_id ? byId.get(r.payment_method_id) : undefined;
    const fallback = profile.defaultPaymentMethodId ? byId.get(profile.defaultPaymentMethodId) : undefined;
    const pm = own ?? fallback;
    const status = subscriptionStatus(r.status);
    return {
      id: r.subscription_id,
      agentId: r.agent_id,
      agentName: r.agent_name,
      plan,
      status,
      priceCents: PLANS[plan].priceCents,
      includedConversations: PLANS[plan].includedConversations,
      overage: r.overage ?? 'prevent',
      overageUnitCents: PLANS[plan].overageUnitCents,
      paymentMethod: pm
        ? {
            id: pm.id,
            brand: pm.brand,
            last4: pm.last4,
            source: own ? ('agent' as const) : ('default' as const),
          }
        : null,
      // docs/rules.md §4: a paid agent pending approval needs a payment method.
      needsPaymentMethod: status !== 'rejected' && !pm,
      activatedAt: isoOrNull(r.activated_at),
    };
  });
}

export type SubscriptionView = Awaited<ReturnType<typeof listSubscriptions>>[number];

/** One agent's subscription, or null when the agent is on the free plan. */
export async function getSubscription(db: Db, workspaceId: string, agentId: string) {
  return (await listSubscriptions(db, workspaceId, agentId))[0] ?? null;
}

/**
 * What an agent admin may know about billing of their agent (docs/rules.md
 * §2, `agent.view_plan`): plan and status, no payment method, no invoice.
 */
export async function getAgentPlan(db: Db, workspaceId: string, agentId: string) {
  const agent = await findAgentPlan(db, workspaceId, agentId);
  if (!agent) throw notFound('agent');
  return {
    agentId: agent.id,
    agentName: agent.name,
    plan: agent.plan,
    status: agent.status,
    subscriptionStatus: agent.plan === 'starter' ? ('none' as const) : subscriptionStatus(agent.status),
  };
}

type InvoiceRow = {
  id: string;
  number: string;
  period: string;
  status: 'open' | 'paid' | 'void';
  currency: string;
  subtotal_cents: string | number;
  total_cents: string | number;
  issued_at: Date;
  paid_at: Date | null;
};

function presentInvoiceSummary(r: InvoiceRow) {
  return {
    id: r.id,
    number: r.number,
    period: r.period,
    status: r.status,
    currency: r.currency,
    subtotalCents: Number(r.subtotal_cents),
    totalCents: Number(r.total_cents),
    issuedAt: isoOf(r.issued_at),
    paidAt: isoOrNull(r.paid_at),
  };
}

/** Invoices of the workspace, newest period first. */
export async function listInvoices(db: Db, workspaceId: string) {
  return (await findInvoices(db, workspaceId)).map(presentInvoiceSummary);
}

/** One invoice with its lines (404 for another workspace's id). */
export async function getInvoice(db: Db, workspaceId: string, id: string) {
  requireUuid(id, 'invoice');
  const row = await findInvoice(db, workspaceId, id);
  if (!row) throw notFound('invoice');
  const lines = await findInvoiceLines(db, workspaceId, id);
  const pm = row.payment_method_id
    ? await findPaymentMethod(db, workspaceId, row.payment_method_id)
    : undefined;
  return {
    ...presentInvoiceSummary(row),
    billTo: row.bill_to as { name: string; emails: string[] },
    paymentMethod: pm ? { brand: pm.brand, last4: pm.last4 } : null,
    lines: lines.map((l) => ({
      description: l.description,
      agentId: l.agent_id,
      quantity: l.quantity,
      unitCents: Number(l.unit_cents),
      amountCents: Number(l.amount_cents),
    })),
  };
}

export type InvoiceDetail = Awaited<ReturnType<typeof getInvoice>>;
