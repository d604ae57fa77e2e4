import { defineCommand } from '../../../command/command';
import { problem, validationFailed } from '../../../errors';
import { conversationsPerAgent, countInvoices, insertInvoice, invoiceNumberOf } from '../invoice-repo';
import { CURRENCY, PLANS } from '../plans';
import type { PaymentProvider } from '../provider';
import { getInvoice, listSubscriptions } from '../queries';
import { findPaymentMethod } from '../repo';
import { lockProfile, workspaceOf } from './profile';

/** Closing a month (docs/rules.md §4 "Billing": invoices that can be downloaded). */

function periodBounds(period: string): { start: Date; end: Date } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

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
export const generateInvoice = defineCommand({
  name: 'billing.generate_invoice',
  actions: ['invoice.issued'],
  async run(
    ctx,
    { provider, period, now = new Date() }: { provider: PaymentProvider; period: string; now?: Date },
  ) {
    const workspaceId = workspaceOf(ctx);
    const { start, end } = periodBounds(period);
    if (start > now) {
      throw validationFailed([{ path: '/body/period', message: 'cannot invoice a future month' }]);
    }
    const profile = await lockProfile(ctx, workspaceId);
    const exists = await invoiceNumberOf(ctx.tx, workspaceId, period);
    if (exists) throw problem('conflict', `${period} is already invoiced (${exists})`, { number: exists });

    const subs = (await listSubscriptions(ctx.tx, workspaceId)).filter(
      (s) => s.status === 'active' && (s.activatedAt === null || new Date(s.activatedAt) < end),
    );
    const used = await conversationsPerAgent(ctx.tx, workspaceId, start, end);
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
    const count = await countInvoices(ctx.tx, workspaceId);
    const number = `INV-${period.replace('-', '')}-${String(count + 1).padStart(4, '0')}`;

    let status: 'open' | 'paid' = total === 0 ? 'paid' : 'open';
    let reference: string | null = null;
    let paymentMethodId: string | null = null;
    if (total > 0 && profile.defaultPaymentMethodId) {
      const pm = await findPaymentMethod(ctx.tx, workspaceId, profile.defaultPaymentMethodId);
      if (pm) {
        const charge = await provider.charge(pm.provider_token, total, CURRENCY, `${workspaceId}:${period}`);
        paymentMethodId = pm.id;
        if (charge.ok) {
          status = 'paid';
          reference = charge.reference;
        }
      }
    }
    const id = await insertInvoice(
      ctx.tx,
      {
        workspaceId,
        number,
        period,
        status,
        subtotalCents: subtotal,
        totalCents: total,
        billTo: { name: profile.orgName, emails: profile.invoiceEmails },
        paymentMethodId,
        paymentReference: reference,
        issuedAt: now,
        paidAt: status === 'paid' ? now : null,
      },
      lines,
    );
    await ctx.record({
      action: 'invoice.issued',
      target: { type: 'invoice', id },
      after: { number, period, totalCents: total, status },
    });
    return getInvoice(ctx.tx, workspaceId, id);
  },
});
