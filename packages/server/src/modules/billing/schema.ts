import { Type } from 'typebox';

/** Billing schemas (docs/rules.md §2 capabilities, §4 "Billing"). Money is integer cents. */

export const WorkspaceParams = Type.Object({ workspaceId: Type.String() });
export const ItemParams = Type.Object({ workspaceId: Type.String(), id: Type.String() });
export const AgentParams = Type.Object({ workspaceId: Type.String(), agentId: Type.String() });

const Iso = Type.String({ format: 'date-time' });
export const Plan = Type.Union([Type.Literal('starter'), Type.Literal('pro'), Type.Literal('enterprise')]);
export const PaidPlan = Type.Union([Type.Literal('pro'), Type.Literal('enterprise')]);
export const Overage = Type.Union([Type.Literal('allow'), Type.Literal('prevent')]);

export const PaymentMethodView = Type.Object({
  id: Type.String(),
  brand: Type.String(),
  last4: Type.String(),
  expMonth: Type.Integer(),
  expYear: Type.Integer(),
  holderName: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: Iso,
});

export const BillingView = Type.Object({
  orgName: Type.String(),
  invoiceEmails: Type.Array(Type.String()),
  defaultPaymentMethod: Type.Union([PaymentMethodView, Type.Null()]),
  monthlyTotalCents: Type.Integer({ description: 'Sum of active subscriptions (before overages)' }),
  currency: Type.String(),
});
export const UpdateBillingBody = Type.Object(
  {
    orgName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    invoiceEmails: Type.Optional(
      Type.Array(Type.String({ format: 'email', maxLength: 320 }), { minItems: 1, maxItems: 10 }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AddPaymentMethodBody = Type.Object(
  {
    number: Type.String({
      minLength: 12,
      maxLength: 23,
      description: 'Sent to the provider, never stored or returned',
    }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    expYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
    cvc: Type.String({ minLength: 3, maxLength: 4 }),
    holderName: Type.Optional(Type.String({ maxLength: 200 })),
    makeDefault: Type.Optional(Type.Boolean({ description: 'The first method always becomes the default' })),
  },
  { additionalProperties: false },
);

export const UpdatePaymentMethodBody = Type.Object(
  {
    expMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    expYear: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
    holderName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SubscriptionView = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  agentId: Type.String(),
  agentName: Type.String(),
  plan: PaidPlan,
  status: Type.Union([Type.Literal('active'), Type.Literal('pending_approval'), Type.Literal('rejected')]),
  priceCents: Type.Integer(),
  includedConversations: Type.Integer(),
  overage: Overage,
  overageUnitCents: Type.Integer(),
  paymentMethod: Type.Union([
    Type.Object({
      id: Type.String(),
      brand: Type.String(),
      last4: Type.String(),
      source: Type.Union([Type.Literal('agent'), Type.Literal('default')]),
    }),
    Type.Null(),
  ]),
  needsPaymentMethod: Type.Boolean(),
  activatedAt: Type.Union([Iso, Type.Null()]),
});

export const AgentPlanView = Type.Object({
  agentId: Type.String(),
  agentName: Type.String(),
  plan: Plan,
  status: Type.String({ description: 'The agent status: approved, pending_approval or rejected' }),
  subscriptionStatus: Type.Union([
    Type.Literal('active'),
    Type.Literal('pending_approval'),
    Type.Literal('rejected'),
    Type.Literal('none'),
  ]),
});

export const UpdateSubscriptionBody = Type.Object(
  { plan: Type.Optional(Plan), overage: Type.Optional(Overage) },
  { additionalProperties: false, minProperties: 1 },
);
export const AttachPaymentMethodBody = Type.Object(
  {
    paymentMethodId: Type.Union([Type.String(), Type.Null()], {
      description: 'A payment method of this workspace; null falls back to the default',
    }),
  },
  { additionalProperties: false },
);

export const InvoiceLineView = Type.Object({
  description: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer(),
  unitCents: Type.Integer(),
  amountCents: Type.Integer(),
});
export const InvoiceSummary = Type.Object({
  id: Type.String(),
  number: Type.String(),
  period: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('paid'), Type.Literal('void')]),
  currency: Type.String(),
  subtotalCents: Type.Integer(),
  totalCents: Type.Integer(),
  issuedAt: Iso,
  paidAt: Type.Union([Iso, Type.Null()]),
});
export const InvoiceView = Type.Object({
  ...InvoiceSummary.properties,
  billTo: Type.Object({ name: Type.String(), emails: Type.Array(Type.String()) }),
  paymentMethod: Type.Union([Type.Object({ brand: Type.String(), last4: Type.String() }), Type.Null()]),
  lines: Type.Array(InvoiceLineView),
});
export const CreateInvoiceBody = Type.Object(
  {
    period: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'The month billed: YYYY-MM' }),
  },
  { additionalProperties: false },
);
