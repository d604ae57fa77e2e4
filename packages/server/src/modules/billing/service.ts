import { type Kysely, sql, type Transaction } from 'kysely';
import { recordActivity } from '../../audit/record';
import type { AgentPlan, AgentStatus, DB } from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import { isUuid, requireUuid, type WriteContext } from '../agent-resources/context';
import { type CardDetails, PaymentError, type PaymentProvider } from './provider';

/**
 * Billing (SPEC §4 "Billing", §2 capabilities): the workspace's org details
 * and invoice emails, payment methods (tokens from a {@link PaymentProvider},
 * never card numbers), one default method, a subscription per paid agent,
 * and monthly invoices. Money is integer cents throughout; no floating point
 * touches an amount.
 *
 * A subscription's plan and status are read from the agent itself (plan,
 * approval status) so billing and the approval flow can never disagree; the
 * `subscriptions` row holds only what billing adds (payment method, overage
 * setting, activation time).
 */

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

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

function iso(d: Date | string | null | undefined): string | null {
  if (d == null) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

/** Formats integer cents as US dollars: 490000 → "$4,900.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

// ------------------------------------------------------------- org details

async function workspaceDefaults(db: Db | Tx, workspaceId: string) {
  const ws = await db
    .selectFrom('workspaces')
    .leftJoin('users', 'users.id', 'workspaces.created_by')
    .select(['workspaces.name', 'users.email'])
    .where('workspaces.id', '=', workspaceId)
    .executeTakeFirst();
  if (!ws) throw notFound('workspace');
  // SPEC §4: invoice emails default to the workspace creator.
  return { orgName: ws.name, invoiceEmails: ws.email ? [ws.email] : [] };
}

/** The billing profile, or its defaults (workspace name, creator's email). */
export async function getProfile(db: Db | Tx, workspaceId: string) {
  const row = await db
    .selectFrom('billing_profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (row) {
    return {
      orgName: row.org_name,
      invoiceEmails: row.invoice_emails as string[],
      defaultPaymentMethodId: row.default_payment_method_id,
    };
  }
  return { ...(await workspaceDefaults(db, workspaceId)), defaultPaymentMethodId: null as string | null };
}

/** Creates the profile row from its defaults if missing, and locks it for this transaction. */
async function lockProfile(tx: Tx, workspaceId: string) {
  const defaults = await workspaceDefaults(tx, workspaceId);
  await tx
    .insertInto('billing_profiles')
    .values({
      workspace_id: workspaceId,
      org_name: defaults.orgName,
      invoice_emails: JSON.stringify(defaults.invoiceEmails),
      default_payment_method_id: null,
    })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  await sql`SELECT 1 FROM billing_profiles WHERE workspace_id = ${workspaceId} FOR UPDATE`.execute(tx);
  return getProfile(tx, workspaceId);
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

/** Changes the organization name or invoice emails (validated, lower-cased, de-duplicated). */
export async function updateProfile(
  db: Db,
  workspaceId: string,
  patch: { orgName?: string; invoiceEmails?: string[] },
  ctx: WriteContext,
) {
  const orgName = patch.orgName?.trim();
  if (patch.orgName !== undefined && !orgName) {
    throw validationFailed([{ path: '/body/orgName', message: 'must not be blank' }]);
  }
  let emails: string[] | undefined;
  if (patch.invoiceEmails) {
    emails = [...new Set(patch.invoiceEmails.map((e) => e.trim().toLowerCase()))];
  }
  await db.transaction().execute(async (tx) => {
    const before = await lockProfile(tx, workspaceId);
    await tx
      .updateTable('billing_profiles')
      .set({
        ...(orgName ? { org_name: orgName } : {}),
        ...(emails ? { invoice_emails: JSON.stringify(emails) } : {}),
        updated_at: new Date(),
      })
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'billing.details_updated',
      target: { type: 'workspace', id: workspaceId },
      before: { orgName: before.orgName, invoiceEmails: before.invoiceEmails },
      after: { orgName: orgName ?? before.orgName, invoiceEmails: emails ?? before.invoiceEmails },
      origin: ctx.origin,
    });
  });
  return getBilling(db, workspaceId);
}

// --------------------------------------------------------- payment methods

/** Payment methods of the workspace (never the provider token), newest first, default marked. */
export async function listPaymentMethods(db: Db | Tx, workspaceId: string) {
  const profile = await getProfile(db, workspaceId);
  const rows = await db
    .selectFrom('payment_methods')
    .select(['id', 'brand', 'last4', 'exp_month', 'exp_year', 'holder_name', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    brand: r.brand,
    last4: r.last4,
    expMonth: r.exp_month,
    expYear: r.exp_year,
    holderName: r.holder_name,
    isDefault: r.id === profile.defaultPaymentMethodId,
    createdAt: iso(r.created_at) as string,
  }));
}

/**
 * Adds a card through the provider: the number goes to the provider and is
 * then forgotten; only brand, last 4, expiry and the provider's token are
 * stored. The first method (or one added with `makeDefault`) becomes the
 * default.
 */
export async function addPaymentMethod(
  db: Db,
  provider: PaymentProvider,
  workspaceId: string,
  input: CardDetails & { holderName?: string; makeDefault?: boolean },
  ctx: WriteContext,
) {
  let card: Awaited<ReturnType<PaymentProvider['tokenize']>>;
  try {
    card = await provider.tokenize({
      number: input.number,
      expMonth: input.expMonth,
      expYear: input.expYear,
      cvc: input.cvc,
    });
  } catch (err) {
    if (err instanceof PaymentError) {
      if (err.kind === 'declined') throw problem('card_declined', err.message);
      throw validationFailed([{ path: `/body/${err.field ?? 'number'}`, message: err.message }]);
    }
    throw err;
  }
  const id = await db.transaction().execute(async (tx) => {
    const profile = await lockProfile(tx, workspaceId);
    const row = await tx
      .insertInto('payment_methods')
      .values({
        workspace_id: workspaceId,
        provider: provider.name,
        provider_token: card.token,
        brand: card.brand,
        last4: card.last4,
        exp_month: card.expMonth,
        exp_year: card.expYear,
        holder_name: input.holderName?.trim() ?? '',
        created_by: ctx.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const makeDefault = input.makeDefault === true || profile.defaultPaymentMethodId === null;
    if (makeDefault) {
      await tx
        .updateTable('billing_profiles')
        .set({ default_payment_method_id: row.id, updated_at: new Date() })
        .where('workspace_id', '=', workspaceId)
        .execute();
    }
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'payment_method.added',
      target: { type: 'payment_method', id: row.id },
      after: {
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        isDefault: makeDefault,
      },
      origin: ctx.origin,
    });
    return row.id;
  });
  const methods = await listPaymentMethods(db, workspaceId);
  return methods.find((m) => m.id === id) as (typeof methods)[number];
}

async function findPaymentMethod(db: Db | Tx, workspaceId: string, id: string) {
  requireUuid(id, 'payment method');
  const row = await db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('payment method');
  return row;
}

/**
 * Edits what may change on a card without a new number: the expiry (a
 * renewed card) and the holder's name. The new expiry must not be past.
 */
export async function updatePaymentMethod(
  db: Db,
  workspaceId: string,
  id: string,
  patch: { expMonth?: number; expYear?: number; holderName?: string },
  ctx: WriteContext,
  now: Date = new Date(),
) {
  await db.transaction().execute(async (tx) => {
    const before = await findPaymentMethod(tx, workspaceId, id);
    const expMonth = patch.expMonth ?? before.exp_month;
    const expYear = patch.expYear ?? before.exp_year;
    const y = now.getUTCFullYear();
    if (expYear < y || (expYear === y && expMonth < now.getUTCMonth() + 1)) {
      throw validationFailed([
        {
          path: patch.expYear !== undefined ? '/body/expYear' : '/body/expMonth',
          message: 'The card would be expired',
        },
      ]);
    }
    const holderName = patch.holderName?.trim() ?? before.holder_name;
    await tx
      .updateTable('payment_methods')
      .set({ exp_month: expMonth, exp_year: expYear, holder_name: holderName })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'payment_method.updated',
      target: { type: 'payment_method', id },
      before: { expMonth: before.exp_month, expYear: before.exp_year, holderName: before.holder_name },
      after: { expMonth, expYear, holderName, brand: before.brand, last4: before.last4 },
      origin: ctx.origin,
    });
  });
  const methods = await listPaymentMethods(db, workspaceId);
  return methods.find((m) => m.id === id) as (typeof methods)[number];
}

/** Makes a payment method the workspace's default. */
export async function setDefaultPaymentMethod(db: Db, workspaceId: string, id: string, ctx: WriteContext) {
  await db.transaction().execute(async (tx) => {
    const before = await lockProfile(tx, workspaceId);
    const pm = await findPaymentMethod(tx, workspaceId, id);
    await tx
      .updateTable('billing_profiles')
      .set({ default_payment_method_id: pm.id, updated_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'payment_method.default_set',
      target: { type: 'payment_method', id: pm.id },
      before: { defaultPaymentMethodId: before.defaultPaymentMethodId },
      after: { defaultPaymentMethodId: pm.id, brand: pm.brand, last4: pm.last4 },
      origin: ctx.origin,
    });
  });
  return listPaymentMethods(db, workspaceId);
}

/**
 * Removes a payment method. Agents it was attached to fall back to the
 * default. Removing the default makes the newest remaining method the
 * default; removing the last method while a paid subscription is active is
 * refused (409 `conflict`): an active paid agent must stay payable.
 */
export async function removePaymentMethod(db: Db, workspaceId: string, id: string, ctx: WriteContext) {
  await db.transaction().execute(async (tx) => {
    const profile = await lockProfile(tx, workspaceId);
    const pm = await findPaymentMethod(tx, workspaceId, id);
    const others = await tx
      .selectFrom('payment_methods')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '!=', id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    if (others.length === 0) {
      const active = await tx
        .selectFrom('agents')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('plan', '!=', 'starter')
        .where('status', '=', 'approved')
        .executeTakeFirstOrThrow();
      if (Number(active.n) > 0) {
        throw problem('conflict', 'Add another payment method first: paid agents are active', {
          activeSubscriptions: Number(active.n),
        });
      }
    }
    await tx
      .updateTable('subscriptions')
      .set({ payment_method_id: null, updated_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('payment_method_id', '=', id)
      .execute();
    if (profile.defaultPaymentMethodId === id) {
      await tx
        .updateTable('billing_profiles')
        .set({ default_payment_method_id: others[0]?.id ?? null, updated_at: new Date() })
        .where('workspace_id', '=', workspaceId)
        .execute();
    }
    await tx
      .deleteFrom('payment_methods')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'payment_method.removed',
      target: { type: 'payment_method', id },
      before: { brand: pm.brand, last4: pm.last4, wasDefault: profile.defaultPaymentMethodId === id },
      origin: ctx.origin,
    });
  });
}

// ----------------------------------------------------------- subscriptions

type SubscriptionStatus = 'active' | 'pending_approval' | 'rejected';

function subscriptionStatus(agentStatus: AgentStatus): SubscriptionStatus {
  return agentStatus === 'approved' ? 'active' : agentStatus;
}

/** Every paid agent's subscription (one per paid agent), active or waiting. */
export async function listSubscriptions(db: Db | Tx, workspaceId: string, agentId?: string) {
  const profile = await getProfile(db, workspaceId);
  let q = db
    .selectFrom('agents')
    .leftJoin('subscriptions', (j) =>
      j
        .onRef('subscriptions.agent_id', '=', 'agents.id')
        .onRef('subscriptions.workspace_id', '=', 'agents.workspace_id'),
    )
    .select([
      'agents.id as agent_id',
      'agents.name as agent_name',
      'agents.plan',
      'agents.status',
      'subscriptions.id as subscription_id',
      'subscriptions.payment_method_id',
      'subscriptions.overage',
      'subscriptions.activated_at',
    ])
    .where('agents.workspace_id', '=', workspaceId)
    .where('agents.plan', '!=', 'starter');
  if (agentId) q = q.where('agents.id', '=', agentId);
  const rows = await q.orderBy('agents.created_at').orderBy('agents.id').execute();
  const methods = await db
    .selectFrom('payment_methods')
    .select(['id', 'brand', 'last4'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const byId = new Map(methods.map((m) => [m.id, m]));
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
      // SPEC §4: a paid agent pending approval needs a payment method.
      needsPaymentMethod: status !== 'rejected' && !pm,
      activatedAt: iso(r.activated_at),
    };
  });
}

/**
 * What an agent admin may know about billing of their agent (SPEC §2,
 * `agent.view_plan`): plan and status, no payment method, no invoice.
 */
export async function getAgentPlan(db: Db, workspaceId: string, agentId: string) {
  const agent = await db
    .selectFrom('agents')
    .select(['id', 'name', 'plan', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (!agent) throw notFound('agent');
  return {
    agentId: agent.id,
    agentName: agent.name,
    plan: agent.plan,
    status: agent.status,
    subscriptionStatus: agent.plan === 'starter' ? ('none' as const) : subscriptionStatus(agent.status),
  };
}

/** Creates the agent's subscription row if missing and locks it. */
async function lockSubscription(tx: Tx, workspaceId: string, agentId: string) {
  await tx
    .insertInto('subscriptions')
    .values({ workspace_id: workspaceId, agent_id: agentId, payment_method_id: null, activated_at: null })
    .onConflict((oc) => oc.column('agent_id').doNothing())
    .execute();
  const row = await tx
    .selectFrom('subscriptions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('agent');
  return row;
}

/**
 * The hook of the approval flow (SPEC §4 "a subscription per paid agent that
 * becomes active when the agent is approved"): call it in the transaction
 * that approves a paid agent. It records when the subscription started;
 * plan and status are read from the agent row, so the subscription is
 * active as soon as that transaction commits.
 */
export async function onAgentApproved(
  tx: Tx,
  agent: { id: string; workspace_id: string; plan: AgentPlan },
): Promise<void> {
  if (agent.plan === 'starter') return;
  const row = await lockSubscription(tx, agent.workspace_id, agent.id);
  if (!row.activated_at) {
    await tx
      .updateTable('subscriptions')
      .set({ activated_at: new Date(), updated_at: new Date() })
      .where('id', '=', row.id)
      .execute();
  }
}

async function findAgent(tx: Tx, workspaceId: string, agentId: string) {
  const agent = await tx
    .selectFrom('agents')
    .select(['id', 'workspace_id', 'name', 'plan', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
  if (!agent) throw notFound('agent');
  return agent;
}

/**
 * A workspace admin changes an agent's plan or its overage setting (SPEC §2
 * "billing: plans, subscriptions"; §4 "admins allow or prevent overages per
 * agent"). A plan chosen by a workspace admin needs no approval (SPEC §4), so
 * a paid plan set here is approved at once and the subscription activates.
 */
export async function updateSubscription(
  db: Db,
  workspaceId: string,
  agentId: string,
  patch: { plan?: AgentPlan; overage?: 'allow' | 'prevent' },
  ctx: WriteContext,
) {
  await db.transaction().execute(async (tx) => {
    const agent = await findAgent(tx, workspaceId, agentId);
    const before = await lockSubscription(tx, workspaceId, agentId);
    if (patch.plan && patch.plan !== agent.plan) {
      const approve = patch.plan !== 'starter';
      await tx
        .updateTable('agents')
        .set({
          plan: patch.plan,
          ...(approve ? { status: 'approved' as const } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', agentId)
        .where('workspace_id', '=', workspaceId)
        .execute();
      await recordActivity(tx, {
        workspaceId,
        actor: ctx.actor,
        action: 'subscription.plan_changed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { plan: agent.plan, status: agent.status },
        after: { plan: patch.plan, status: approve ? 'approved' : agent.status },
        origin: ctx.origin,
      });
      if (approve) await onAgentApproved(tx, { id: agentId, workspace_id: workspaceId, plan: patch.plan });
    }
    if (patch.overage && patch.overage !== before.overage) {
      await tx
        .updateTable('subscriptions')
        .set({ overage: patch.overage, updated_at: new Date() })
        .where('id', '=', before.id)
        .execute();
      await recordActivity(tx, {
        workspaceId,
        actor: ctx.actor,
        action: 'subscription.overage_changed',
        target: { type: 'agent', id: agentId },
        agentId,
        before: { overage: before.overage },
        after: { overage: patch.overage },
        origin: ctx.origin,
      });
    }
  });
  return (await listSubscriptions(db, workspaceId, agentId))[0] ?? null;
}

/**
 * Attaches one of the workspace's payment methods to an agent (null: use the
 * default). Workspace admins only (`agent.approve`, SPEC §2): never an agent
 * admin acting on their own agent.
 */
export async function attachPaymentMethod(
  db: Db,
  workspaceId: string,
  agentId: string,
  paymentMethodId: string | null,
  ctx: WriteContext,
) {
  await db.transaction().execute(async (tx) => {
    const agent = await findAgent(tx, workspaceId, agentId);
    let pm: { id: string; brand: string; last4: string } | null = null;
    if (paymentMethodId !== null) {
      const found = isUuid(paymentMethodId)
        ? await tx
            .selectFrom('payment_methods')
            .select(['id', 'brand', 'last4'])
            .where('id', '=', paymentMethodId)
            .where('workspace_id', '=', workspaceId)
            .executeTakeFirst()
        : undefined;
      if (!found) {
        throw validationFailed([
          { path: '/body/paymentMethodId', message: 'no such payment method in this workspace' },
        ]);
      }
      pm = found;
    }
    const before = await lockSubscription(tx, workspaceId, agentId);
    await tx
      .updateTable('subscriptions')
      .set({ payment_method_id: pm?.id ?? null, updated_at: new Date() })
      .where('id', '=', before.id)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'subscription.payment_method_attached',
      target: { type: 'agent', id: agent.id },
      agentId,
      before: { paymentMethodId: before.payment_method_id },
      after: { paymentMethodId: pm?.id ?? null, brand: pm?.brand ?? null, last4: pm?.last4 ?? null },
      origin: ctx.origin,
    });
  });
  const sub = (await listSubscriptions(db, workspaceId, agentId))[0];
  return sub ?? null;
}

// ---------------------------------------------------------------- invoices

function periodBounds(period: string): { start: Date; end: Date } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
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
    issuedAt: iso(r.issued_at) as string,
    paidAt: iso(r.paid_at),
  };
}

/** Invoices of the workspace, newest period first. */
export async function listInvoices(db: Db, workspaceId: string) {
  const rows = await db
    .selectFrom('invoices')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('period', 'desc')
    .execute();
  return rows.map(presentInvoiceSummary);
}

/** One invoice with its lines (404 for another workspace's id). */
export async function getInvoice(db: Db | Tx, workspaceId: string, id: string) {
  requireUuid(id, 'invoice');
  const row = await db
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('invoice');
  const lines = await db
    .selectFrom('invoice_lines')
    .selectAll()
    .where('invoice_id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .execute();
  const pm = row.payment_method_id
    ? await db
        .selectFrom('payment_methods')
        .select(['brand', 'last4'])
        .where('id', '=', row.payment_method_id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst()
    : undefined;
  return {
    ...presentInvoiceSummary(row),
    billTo: row.bill_to as { name: string; emails: string[] },
    paymentMethod: pm ?? null,
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

/** One invoice line before it is stored. */
interface DraftLine {
  agentId: string | null;
  description: string;
  quantity: number;
  unitCents: number;
}

/**
 * Closes a month: one invoice per workspace and period (409 `conflict` when
 * it exists), a line per active paid agent at its plan's price, and — where
 * the agent allows overages — a line for conversations beyond the plan's
 * allowance (prevented overages are not billed: the platform stops serving
 * instead). Totals are sums of integer cents. With a default payment method
 * the invoice is charged through the provider (idempotency key =
 * workspace + period, so a retry after a rollback cannot charge twice) and
 * marked paid; otherwise it stays open. Invoices are immutable once issued.
 */
export async function generateInvoice(
  db: Db,
  provider: PaymentProvider,
  workspaceId: string,
  period: string,
  ctx: WriteContext,
  now: Date = new Date(),
) {
  const { start, end } = periodBounds(period);
  if (start > now)
    throw validationFailed([{ path: '/body/period', message: 'cannot invoice a future month' }]);
  const id = await db.transaction().execute(async (tx) => {
    const profile = await lockProfile(tx, workspaceId);
    const exists = await tx
      .selectFrom('invoices')
      .select('number')
      .where('workspace_id', '=', workspaceId)
      .where('period', '=', period)
      .executeTakeFirst();
    if (exists)
      throw problem('conflict', `${period} is already invoiced (${exists.number})`, {
        number: exists.number,
      });

    const subs = (await listSubscriptions(tx, workspaceId)).filter(
      (s) => s.status === 'active' && (s.activatedAt === null || new Date(s.activatedAt) < end),
    );
    const usage = await tx
      .selectFrom('conversations')
      .select(['agent_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('started_at', '>=', start)
      .where('started_at', '<', end)
      .groupBy('agent_id')
      .execute();
    const used = new Map(usage.map((u) => [u.agent_id, Number(u.n)]));
    const lines: DraftLine[] = [];
    for (const s of subs) {
      const plan = PLANS[s.plan];
      const planName = s.plan === 'pro' ? 'Pro' : 'Enterprise';
      lines.push({
        agentId: s.agentId,
        description: `${planName} plan — ${s.agentName} (${period})`,
        quantity: 1,
        unitCents: plan.priceCents,
      });
      const extra = Math.max(0, (used.get(s.agentId) ?? 0) - plan.includedConversations);
      if (extra > 0 && s.overage === 'allow') {
        lines.push({
          agentId: s.agentId,
          description: `Overage — ${s.agentName}: ${extra.toLocaleString('en-US')} conversations beyond ${plan.includedConversations.toLocaleString('en-US')}`,
          quantity: extra,
          unitCents: plan.overageUnitCents,
        });
      }
    }
    const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitCents, 0);
    const total = subtotal;
    const count = await tx
      .selectFrom('invoices')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const number = `INV-${period.replace('-', '')}-${String(Number(count.n) + 1).padStart(4, '0')}`;

    let status: 'open' | 'paid' = total === 0 ? 'paid' : 'open';
    let reference: string | null = null;
    let paymentMethodId: string | null = null;
    if (total > 0 && profile.defaultPaymentMethodId) {
      const pm = await tx
        .selectFrom('payment_methods')
        .select(['id', 'provider_token'])
        .where('id', '=', profile.defaultPaymentMethodId)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (pm) {
        const charge = await provider.charge(pm.provider_token, total, CURRENCY, `${workspaceId}:${period}`);
        paymentMethodId = pm.id;
        if (charge.ok) {
          status = 'paid';
          reference = charge.reference;
        }
      }
    }
    const invoice = await tx
      .insertInto('invoices')
      .values({
        workspace_id: workspaceId,
        number,
        period,
        status,
        subtotal_cents: subtotal,
        total_cents: total,
        bill_to: JSON.stringify({ name: profile.orgName, emails: profile.invoiceEmails }),
        payment_method_id: paymentMethodId,
        payment_reference: reference,
        issued_at: now,
        paid_at: status === 'paid' ? now : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (lines.length) {
      await tx
        .insertInto('invoice_lines')
        .values(
          lines.map((l, i) => ({
            invoice_id: invoice.id,
            workspace_id: workspaceId,
            position: i + 1,
            agent_id: l.agentId,
            description: l.description,
            quantity: l.quantity,
            unit_cents: l.unitCents,
            amount_cents: l.quantity * l.unitCents,
          })),
        )
        .execute();
    }
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'invoice.issued',
      target: { type: 'invoice', id: invoice.id },
      after: { number, period, totalCents: total, status },
      origin: ctx.origin,
    });
    return invoice.id;
  });
  return getInvoice(db, workspaceId, id);
}
