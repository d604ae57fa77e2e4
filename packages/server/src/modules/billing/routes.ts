import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { generateInvoice } from './commands/invoices';
import {
  addPaymentMethod,
  removePaymentMethod,
  setDefaultPaymentMethod,
  updatePaymentMethod,
} from './commands/payment-methods';
import { updateProfile } from './commands/profile';
import { attachPaymentMethod, updateSubscription } from './commands/subscriptions';
import { renderInvoicePdf } from './pdf';
import { createTestPaymentProvider, type PaymentProvider } from './provider';
import {
  getAgentPlan,
  getBilling,
  getInvoice,
  listInvoices,
  listPaymentMethods,
  listSubscriptions,
} from './queries';
import {
  AddPaymentMethodBody,
  AgentParams,
  AgentPlanView,
  AttachPaymentMethodBody,
  BillingView,
  CreateInvoiceBody,
  InvoiceSummary,
  InvoiceView,
  ItemParams,
  PaymentMethodView,
  SubscriptionView,
  UpdateBillingBody,
  UpdatePaymentMethodBody,
  UpdateSubscriptionBody,
  WorkspaceParams,
} from './schema';

const tags = ['billing'];
const WS = '/v1/workspaces/:workspaceId';

/** Options of {@link billingRoutes}: the payment provider (default: the built-in test provider). */
export interface BillingRoutesOptions {
  provider?: PaymentProvider;
}

/**
 * Billing (docs/rules.md §2 capabilities, §4). Everything is `billing.manage`
 * (workspace admins) except: an agent's plan and status (`agent.view_plan`:
 * also that agent's agent_admin — never payment methods or invoices), and
 * attaching a payment method to an agent (`agent.approve`: workspace admins,
 * never an agent admin on their own agent).
 */
export const billingRoutes: FastifyPluginAsyncTypebox<BillingRoutesOptions> = async (app, opts) => {
  // One provider per app instance (no module-level state).
  const provider = opts.provider ?? createTestPaymentProvider();
  const manage = { access: access.capability('billing.manage') };

  app.get(
    `${WS}/billing`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Org details, default payment method, monthly total',
        params: WorkspaceParams,
        response: { 200: BillingView },
      },
    },
    async (req) => getBilling(app.db, scopeOf(req).workspaceId),
  );
  app.patch(
    `${WS}/billing`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change the organization name or invoice emails',
        params: WorkspaceParams,
        body: UpdateBillingBody,
        response: { 200: BillingView },
      },
    },
    async (req) => {
      await execute(req, updateProfile, req.body);
      return getBilling(app.db, scopeOf(req).workspaceId);
    },
  );

  app.get(
    `${WS}/payment-methods`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Payment methods (brand, last 4, expiry; never a card number)',
        params: WorkspaceParams,
        response: { 200: Type.Object({ paymentMethods: Type.Array(PaymentMethodView) }) },
      },
    },
    async (req) => ({ paymentMethods: await listPaymentMethods(app.db, scopeOf(req).workspaceId) }),
  );
  app.post(
    `${WS}/payment-methods`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add a card (tokenized by the payment provider; the number is never stored)',
        params: WorkspaceParams,
        body: AddPaymentMethodBody,
        response: { 201: PaymentMethodView },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, addPaymentMethod, { provider, card: req.body });
      reply.status(201);
      return value;
    },
  );
  app.patch(
    `${WS}/payment-methods/:id`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Update a card's expiry or holder name (a new number means a new payment method)",
        params: ItemParams,
        body: UpdatePaymentMethodBody,
        response: { 200: PaymentMethodView },
      },
    },
    async (req) => (await execute(req, updatePaymentMethod, { id: req.params.id, patch: req.body })).value,
  );
  app.post(
    `${WS}/payment-methods/:id/default`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Make a payment method the workspace's default",
        params: ItemParams,
        response: { 200: Type.Object({ paymentMethods: Type.Array(PaymentMethodView) }) },
      },
    },
    async (req) => ({
      paymentMethods: (await execute(req, setDefaultPaymentMethod, { id: req.params.id })).value,
    }),
  );
  app.delete(
    `${WS}/payment-methods/:id`,
    { config: manage, schema: { tags, summary: 'Remove a payment method', params: ItemParams } },
    async (req, reply) => {
      await execute(req, removePaymentMethod, { id: req.params.id });
      return reply.status(204).send();
    },
  );

  app.get(
    `${WS}/subscriptions`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Every paid agent’s subscription, including those pending approval',
        params: WorkspaceParams,
        response: { 200: Type.Object({ subscriptions: Type.Array(SubscriptionView) }) },
      },
    },
    async (req) => ({ subscriptions: await listSubscriptions(app.db, scopeOf(req).workspaceId) }),
  );
  app.get(
    `${WS}/agents/:agentId/plan`,
    {
      config: { access: access.capability('agent.view_plan') },
      schema: {
        tags,
        summary: "An agent's plan and status (its agent admins too; no payment details)",
        params: AgentParams,
        response: { 200: AgentPlanView },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getAgentPlan(app.db, scope.workspaceId, scope.agentId as string);
    },
  );
  app.patch(
    `${WS}/agents/:agentId/subscription`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Change an agent's plan (approved at once) or allow/prevent its overages",
        params: AgentParams,
        body: UpdateSubscriptionBody,
        response: { 200: Type.Union([SubscriptionView, Type.Null()]) },
      },
    },
    async (req) => {
      const agentId = scopeOf(req).agentId as string;
      return (await execute(req, updateSubscription, { agentId, patch: req.body })).value;
    },
  );
  app.put(
    `${WS}/agents/:agentId/payment-method`,
    {
      // docs/rules.md §2: attaching payment methods is the approver's power, never an agent admin's.
      config: { access: access.capability('agent.approve') },
      schema: {
        tags,
        summary: 'Attach a payment method to an agent (workspace admins only)',
        params: AgentParams,
        body: AttachPaymentMethodBody,
        response: { 200: Type.Union([SubscriptionView, Type.Null()]) },
      },
    },
    async (req) => {
      const agentId = scopeOf(req).agentId as string;
      const { paymentMethodId } = req.body;
      return (await execute(req, attachPaymentMethod, { agentId, paymentMethodId })).value;
    },
  );

  app.get(
    `${WS}/invoices`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Invoices, newest first',
        params: WorkspaceParams,
        response: { 200: Type.Object({ invoices: Type.Array(InvoiceSummary) }) },
      },
    },
    async (req) => ({ invoices: await listInvoices(app.db, scopeOf(req).workspaceId) }),
  );
  app.post(
    `${WS}/invoices`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Close a month: issue its invoice (and charge the default payment method)',
        params: WorkspaceParams,
        body: CreateInvoiceBody,
        response: { 201: InvoiceView },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, generateInvoice, { provider, period: req.body.period });
      reply.status(201);
      return value;
    },
  );
  app.get(
    `${WS}/invoices/:id`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'One invoice with its line items',
        params: ItemParams,
        response: { 200: InvoiceView },
      },
    },
    async (req) => getInvoice(app.db, scopeOf(req).workspaceId, req.params.id),
  );
  app.get(
    `${WS}/invoices/:id/pdf`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Download an invoice as PDF',
        params: ItemParams,
        produces: ['application/pdf'],
      },
    },
    async (req, reply) => {
      const invoice = await getInvoice(app.db, scopeOf(req).workspaceId, req.params.id);
      const pdf = await renderInvoicePdf(invoice);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${invoice.number}.pdf"`)
        .send(pdf);
    },
  );
};
