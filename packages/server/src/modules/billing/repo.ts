import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';

/**
 * The SQL of billing's profile, payment methods and subscriptions
 * (docs/architecture.md, "Repositories"; invoices: invoice-repo.ts). Each
 * UPDATE and DELETE names `workspace_id`. The agent lookup billing's commands lock lives in
 * agents/repo.ts (`lockAgent`), shared with the agents module.
 */

type Db = Kysely<DB> | Transaction<DB>;
type Tx = Transaction<DB>;

// ------------------------------------------------------------------ profile

/** The workspace's name and its creator's email (the profile's defaults). */
export async function workspaceDefaults(db: Db, workspaceId: string) {
  const ws = await db
    .selectFrom('workspaces')
    .leftJoin('users', 'users.id', 'workspaces.created_by')
    .select(['workspaces.name', 'users.email'])
    .where('workspaces.id', '=', workspaceId)
    .executeTakeFirst();
  if (!ws) throw notFound('workspace');
  return ws;
}

/** The stored billing profile, if any. */
export function findProfile(db: Db, workspaceId: string) {
  return db
    .selectFrom('billing_profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** Creates the profile row with these values unless it exists, then locks it for this transaction. */
export async function ensureAndLockProfile(
  tx: Tx,
  workspaceId: string,
  defaults: { orgName: string; invoiceEmails: string[] },
): Promise<void> {
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
  await tx
    .selectFrom('billing_profiles')
    .select('workspace_id')
    .where('workspace_id', '=', workspaceId)
    .forUpdate()
    .execute();
}

/** Changes the profile's org name, invoice emails and/or default payment method. */
export async function updateProfileRow(
  tx: Tx,
  workspaceId: string,
  change: { orgName?: string; invoiceEmails?: string[]; defaultPaymentMethodId?: string | null },
): Promise<void> {
  await tx
    .updateTable('billing_profiles')
    .set({
      ...(change.orgName !== undefined ? { org_name: change.orgName } : {}),
      ...(change.invoiceEmails !== undefined ? { invoice_emails: JSON.stringify(change.invoiceEmails) } : {}),
      ...(change.defaultPaymentMethodId !== undefined
        ? { default_payment_method_id: change.defaultPaymentMethodId }
        : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .execute();
}

// ---------------------------------------------------------- payment methods

/** The workspace's payment methods (never the provider token), newest first. */
export function findPaymentMethods(db: Db, workspaceId: string) {
  return db
    .selectFrom('payment_methods')
    .select(['id', 'brand', 'last4', 'exp_month', 'exp_year', 'holder_name', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** One payment method of the workspace (with its token), if it exists. */
export function findPaymentMethod(db: Db, workspaceId: string, id: string) {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** Stores a tokenized card; returns its id. */
export async function insertPaymentMethod(
  tx: Tx,
  values: {
    workspaceId: string;
    provider: string;
    token: string;
    brand: string;
    last4: string;
    expMonth: number;
    expYear: number;
    holderName: string;
    createdBy: string | null;
  },
): Promise<string> {
  const row = await tx
    .insertInto('payment_methods')
    .values({
      workspace_id: values.workspaceId,
      provider: values.provider,
      provider_token: values.token,
      brand: values.brand,
      last4: values.last4,
      exp_month: values.expMonth,
      exp_year: values.expYear,
      holder_name: values.holderName,
      created_by: values.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a card's expiry and holder name. */
export async function updatePaymentMethodRow(
  tx: Tx,
  workspaceId: string,
  id: string,
  change: { expMonth: number; expYear: number; holderName: string },
): Promise<void> {
  await tx
    .updateTable('payment_methods')
    .set({ exp_month: change.expMonth, exp_year: change.expYear, holder_name: change.holderName })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** The ids of the workspace's other payment methods, newest first. */
export async function otherPaymentMethodIds(
  tx: Tx,
  workspaceId: string,
  exceptId: string,
): Promise<string[]> {
  const rows = await tx
    .selectFrom('payment_methods')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '!=', exceptId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => r.id);
}

/** How many paid agents are approved (their subscriptions active). */
export async function countActivePaidAgents(tx: Tx, workspaceId: string): Promise<number> {
  const row = await tx
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('plan', '!=', 'starter')
    .where('status', '=', 'approved')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Subscriptions using this payment method fall back to the default. */
export async function detachPaymentMethod(
  tx: Tx,
  workspaceId: string,
  paymentMethodId: string,
): Promise<void> {
  await tx
    .updateTable('subscriptions')
    .set({ payment_method_id: null, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('payment_method_id', '=', paymentMethodId)
    .execute();
}

/** Deletes a payment method. */
export async function deletePaymentMethod(tx: Tx, workspaceId: string, id: string): Promise<void> {
  await tx
    .deleteFrom('payment_methods')
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

// ------------------------------------------------------------ subscriptions

/** Every paid agent of the workspace (or one) with its subscription row, if any, oldest agent first. */
export function findSubscriptionRows(db: Db, workspaceId: string, agentId?: string) {
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
  return q.orderBy('agents.created_at').orderBy('agents.id').execute();
}

/** An agent's name, plan and status (no lock: a read). */
export function findAgentPlan(db: Db, workspaceId: string, agentId: string) {
  return db
    .selectFrom('agents')
    .select(['id', 'name', 'plan', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', agentId)
    .executeTakeFirst();
}

/** Creates the agent's subscription row if missing and locks it. */
export async function lockSubscription(tx: Tx, workspaceId: string, agentId: string) {
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

/** Changes a subscription's overage setting and/or attached payment method. */
export async function updateSubscriptionRow(
  tx: Tx,
  workspaceId: string,
  id: string,
  change: { overage?: 'allow' | 'prevent'; paymentMethodId?: string | null },
): Promise<void> {
  await tx
    .updateTable('subscriptions')
    .set({
      ...(change.overage !== undefined ? { overage: change.overage } : {}),
      ...(change.paymentMethodId !== undefined ? { payment_method_id: change.paymentMethodId } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .execute();
}
