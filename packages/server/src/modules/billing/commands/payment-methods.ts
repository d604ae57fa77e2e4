import { type CommandContext, defineCommand } from '../../../command/command';
import { notFound, problem, validationFailed } from '../../../errors';
import { requireUuid } from '../../../ids';
import { type CardDetails, PaymentError, type PaymentProvider, type TokenizedCard } from '../provider';
import { getPaymentMethod, listPaymentMethods } from '../queries';
import {
  countActivePaidAgents,
  deletePaymentMethod,
  detachPaymentMethod,
  findPaymentMethod,
  insertPaymentMethod,
  otherPaymentMethodIds,
  updatePaymentMethodRow,
  updateProfileRow,
} from '../repo';

import { lockProfile, workspaceOf } from './profile';

/**
 * Payment methods (docs/rules.md §4 "Billing"): cards as tokens from a
 * {@link PaymentProvider}, never card numbers; one default method. Each is a
 * command run by the wrapper (command/command.ts), which opens the
 * transaction and records the entries.
 */

async function tokenize(provider: PaymentProvider, card: CardDetails): Promise<TokenizedCard> {
  try {
    return await provider.tokenize(card);
  } catch (err) {
    if (err instanceof PaymentError) {
      if (err.kind === 'declined') throw problem('card_declined', err.message);
      throw validationFailed([{ path: `/body/${err.field ?? 'number'}`, message: err.message }]);
    }
    throw err;
  }
}

export type AddPaymentMethodInput = CardDetails & { holderName?: string; makeDefault?: boolean };

/**
 * Adds a card through the provider: the number goes to the provider and is
 * then forgotten; only brand, last 4, expiry and the provider's token are
 * stored. The first method (or one added with `makeDefault`) becomes the
 * default.
 */
export const addPaymentMethod = defineCommand({
  name: 'billing.add_payment_method',
  actions: ['payment_method.added'],
  async run(ctx, { provider, card: input }: { provider: PaymentProvider; card: AddPaymentMethodInput }) {
    const workspaceId = workspaceOf(ctx);
    const card = await tokenize(provider, {
      number: input.number,
      expMonth: input.expMonth,
      expYear: input.expYear,
      cvc: input.cvc,
    });
    const profile = await lockProfile(ctx, workspaceId);
    const id = await insertPaymentMethod(ctx.tx, {
      workspaceId,
      provider: provider.name,
      token: card.token,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      holderName: input.holderName?.trim() ?? '',
      createdBy: ctx.userId,
    });
    const makeDefault = input.makeDefault === true || profile.defaultPaymentMethodId === null;
    if (makeDefault) await updateProfileRow(ctx.tx, workspaceId, { defaultPaymentMethodId: id });
    await ctx.record({
      action: 'payment_method.added',
      target: { type: 'payment_method', id },
      after: {
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        isDefault: makeDefault,
      },
    });
    return getPaymentMethod(ctx.tx, workspaceId, id);
  },
});

async function paymentMethodOf(ctx: CommandContext, workspaceId: string, id: string) {
  const row = await findPaymentMethod(ctx.tx, workspaceId, requireUuid(id, 'payment method'));
  if (!row) throw notFound('payment method');
  return row;
}

/**
 * Edits what may change on a card without a new number: the expiry (a
 * renewed card) and the holder's name. The new expiry must not be past.
 */
export const updatePaymentMethod = defineCommand({
  name: 'billing.update_payment_method',
  actions: ['payment_method.updated'],
  async run(
    ctx,
    {
      id,
      patch,
      now = new Date(),
    }: { id: string; patch: { expMonth?: number; expYear?: number; holderName?: string }; now?: Date },
  ) {
    const workspaceId = workspaceOf(ctx);
    const before = await paymentMethodOf(ctx, workspaceId, id);
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
    await updatePaymentMethodRow(ctx.tx, workspaceId, id, { expMonth, expYear, holderName });
    await ctx.record({
      action: 'payment_method.updated',
      target: { type: 'payment_method', id },
      before: { expMonth: before.exp_month, expYear: before.exp_year, holderName: before.holder_name },
      after: { expMonth, expYear, holderName, brand: before.brand, last4: before.last4 },
    });
    return getPaymentMethod(ctx.tx, workspaceId, id);
  },
});

/** Makes a payment method the workspace's default. */
export const setDefaultPaymentMethod = defineCommand({
  name: 'billing.set_default_payment_method',
  actions: ['payment_method.default_set'],
  async run(ctx, { id }: { id: string }) {
    const workspaceId = workspaceOf(ctx);
    const before = await lockProfile(ctx, workspaceId);
    const pm = await paymentMethodOf(ctx, workspaceId, id);
    await updateProfileRow(ctx.tx, workspaceId, { defaultPaymentMethodId: pm.id });
    await ctx.record({
      action: 'payment_method.default_set',
      target: { type: 'payment_method', id: pm.id },
      before: { defaultPaymentMethodId: before.defaultPaymentMethodId },
      after: { defaultPaymentMethodId: pm.id, brand: pm.brand, last4: pm.last4 },
    });
    return listPaymentMethods(ctx.tx, workspaceId);
  },
});

/**
 * Removes a payment method. Agents it was attached to fall back to the
 * default. Removing the default makes the newest remaining method the
 * default; removing the last method while a paid subscription is active is
 * refused (409 `conflict`): an active paid agent must stay payable.
 */
export const removePaymentMethod = defineCommand({
  name: 'billing.remove_payment_method',
  actions: ['payment_method.removed'],
  async run(ctx, { id }: { id: string }) {
    const workspaceId = workspaceOf(ctx);
    const profile = await lockProfile(ctx, workspaceId);
    const pm = await paymentMethodOf(ctx, workspaceId, id);
    const others = await otherPaymentMethodIds(ctx.tx, workspaceId, id);
    if (others.length === 0) {
      const active = await countActivePaidAgents(ctx.tx, workspaceId);
      if (active > 0) {
        throw problem('conflict', 'Add another payment method first: paid agents are active', {
          activeSubscriptions: active,
        });
      }
    }
    await detachPaymentMethod(ctx.tx, workspaceId, id);
    if (profile.defaultPaymentMethodId === id) {
      await updateProfileRow(ctx.tx, workspaceId, { defaultPaymentMethodId: others[0] ?? null });
    }
    await deletePaymentMethod(ctx.tx, workspaceId, id);
    await ctx.record({
      action: 'payment_method.removed',
      target: { type: 'payment_method', id },
      before: { brand: pm.brand, last4: pm.last4, wasDefault: profile.defaultPaymentMethodId === id },
    });
  },
});
