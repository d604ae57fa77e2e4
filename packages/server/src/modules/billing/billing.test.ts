import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { addAgent, createCast } from '../../../test/cast';
import { as } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { buildApp } from '../../app';
import { createTestPaymentProvider, luhnValid } from './provider';

/** Seed 004's billing rules, each as its own test (docs/rules.md §2 capabilities, §4 "Billing"). */

const ctx = useTestApp();
const VISA = '4242424242424242';
const MASTERCARD = '5555555555554444';
const ws = (c: { workspaceId: string }, rest: string) => `/v1/workspaces/${c.workspaceId}/${rest}`;
const agentUrl = (c: { workspaceId: string }, agentId: string, rest: string) =>
  `/v1/workspaces/${c.workspaceId}/agents/${agentId}/${rest}`;
const card = (number = VISA) => ({
  number,
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 2,
  cvc: '123',
});

async function addCard(
  c: { workspaceId: string; admin: Parameters<typeof as>[1] },
  number = VISA,
  extra = {},
) {
  const res = await as(
    ctx.app,
    c.admin,
  )({ method: 'POST', url: ws(c, 'payment-methods'), payload: { ...card(number), ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string; brand: string; last4: string; isDefault: boolean }>(res);
}

describe('workspace admins (seed 004: full billing admin privileges)', () => {
  it('a workspace admin can add, edit and delete payment methods', async () => {
    const c = await createCast(ctx.app, { plan: 'starter' });
    const first = await addCard(c, VISA, { holderName: 'Wanda Admin' });
    expect(first).toMatchObject({ brand: 'visa', last4: '4242', isDefault: true });
    const req = as(ctx.app, c.admin);
    const year = new Date().getUTCFullYear() + 4;
    const edited = await req({
      method: 'PATCH',
      url: ws(c, `payment-methods/${first.id}`),
      payload: { expMonth: 3, expYear: year, holderName: 'W. Admin' },
    });
    expect(edited.statusCode).toBe(200);
    expect(json(edited)).toMatchObject({ expMonth: 3, expYear: year, holderName: 'W. Admin', last4: '4242' });
    const past = await req({
      method: 'PATCH',
      url: ws(c, `payment-methods/${first.id}`),
      payload: { expYear: 2021 },
    });
    expect(json(past)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/expYear' }] });
    expect((await req({ method: 'DELETE', url: ws(c, `payment-methods/${first.id}`) })).statusCode).toBe(204);
    const left = json<{ paymentMethods: unknown[] }>(
      await req({ method: 'GET', url: ws(c, 'payment-methods') }),
    );
    expect(left.paymentMethods).toEqual([]);
    const actions = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('workspace_id', '=', c.workspaceId)
      .where('action', 'like', 'payment_method.%')
      .orderBy('seq')
      .execute();
    expect(actions.map((x) => x.action)).toEqual([
      'payment_method.added',
      'payment_method.updated',
      'payment_method.removed',
    ]);
  });

  it('a workspace admin can set the default payment method', async () => {
    const c = await createCast(ctx.app, { plan: 'starter' });
    const first = await addCard(c, VISA);
    const second = await addCard(c, MASTERCARD);
    expect(second).toMatchObject({ brand: 'mastercard', last4: '4444', isDefault: false });
    const req = as(ctx.app, c.admin);
    const def = await req({ method: 'POST', url: ws(c, `payment-methods/${second.id}/default`) });
    expect(def.statusCode).toBe(200);
    const methods = json<{ paymentMethods: { id: string; isDefault: boolean }[] }>(def).paymentMethods;
    expect(methods.filter((m) => m.isDefault).map((m) => m.id)).toEqual([second.id]);
    expect((await req({ method: 'DELETE', url: ws(c, `payment-methods/${second.id}`) })).statusCode).toBe(
      204,
    );
    // Removing the default promotes the remaining method: there is always one default while methods exist.
    const after = json<{ defaultPaymentMethod: { id: string } | null }>(
      await req({ method: 'GET', url: ws(c, 'billing') }),
    );
    expect(after.defaultPaymentMethod?.id).toBe(first.id);
  });

  it('the card number is never stored, logged or returned', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = await buildApp(
      { ...ctx.config, logLevel: 'trace' },
      {
        database: ctx.database,
        skipMigrations: true,
        logger: { level: 'trace', stream },
      },
    );
    await app.ready();
    try {
      const c = await createCast(app, { plan: 'starter' });
      const res = await as(
        app,
        c.admin,
      )({ method: 'POST', url: ws(c, 'payment-methods'), payload: card(MASTERCARD) });
      expect(res.statusCode).toBe(201);
      const bad = await as(
        app,
        c.admin,
      )({ method: 'POST', url: ws(c, 'payment-methods'), payload: card('5555555555554445') });
      expect(bad.statusCode).toBe(400);
      expect(lines.length).toBeGreaterThan(0);
      for (const text of [res.body, bad.body, lines.join('\n')]) {
        expect(text).not.toContain('5555555555554444');
        expect(text).not.toContain('5555555555554445');
      }
      const rows = await app.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('workspace_id', '=', c.workspaceId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('5555555555554444');
      expect(rows[0]?.provider_token).toMatch(/^tok_test_/);
      // The provider token stays server-side too.
      expect(res.body).not.toContain(rows[0]?.provider_token as string);
      const log = await app.db
        .selectFrom('activity_log')
        .select(['after'])
        .where('workspace_id', '=', c.workspaceId)
        .where('action', '=', 'payment_method.added')
        .execute();
      expect(log[0]?.after).toMatchObject({ brand: 'mastercard', last4: '4444' });
      expect(JSON.stringify(log)).not.toContain('5555555555554444');
    } finally {
      await app.close();
    }
  });

  it('a workspace admin can edit organization details and invoice emails (defaulting to the creator)', async () => {
    const c = await createCast(ctx.app, { plan: 'starter' });
    const req = as(ctx.app, c.admin);
    const before = json<{ orgName: string; invoiceEmails: string[] }>(
      await req({ method: 'GET', url: ws(c, 'billing') }),
    );
    expect(before.invoiceEmails).toEqual([c.admin.email]);
    const bad = await req({
      method: 'PATCH',
      url: ws(c, 'billing'),
      payload: { invoiceEmails: ['ap@acme.example', 'not-an-email'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/invoiceEmails/1' }],
    });
    const ok = await req({
      method: 'PATCH',
      url: ws(c, 'billing'),
      payload: {
        orgName: 'Acme Corp Ltd',
        invoiceEmails: ['AP@Acme.example', 'ap@acme.example', 'cfo@acme.example'],
      },
    });
    expect(json(ok)).toMatchObject({
      orgName: 'Acme Corp Ltd',
      invoiceEmails: ['ap@acme.example', 'cfo@acme.example'],
    });
  });

  it('a workspace admin can view and manage all subscriptions, including those pending approval', async () => {
    const c = await createCast(ctx.app, { plan: 'pro', status: 'approved' });
    const pending = await addAgent(ctx.app, c.workspaceId, {
      name: 'Sales Bot',
      plan: 'enterprise',
      status: 'pending_approval',
      createdBy: c.agentAdmin.id,
    });
    await addAgent(ctx.app, c.workspaceId, { name: 'Free Bot', plan: 'starter' });
    const res = await as(ctx.app, c.admin)({ method: 'GET', url: ws(c, 'subscriptions') });
    expect(res.statusCode).toBe(200);
    const subs = json<{
      subscriptions: {
        agentId: string;
        status: string;
        plan: string;
        priceCents: number;
        needsPaymentMethod: boolean;
      }[];
    }>(res).subscriptions;
    expect(subs.map((s) => [s.agentId, s.plan, s.status, s.priceCents])).toEqual([
      [c.agentId, 'pro', 'active', 4900],
      [pending, 'enterprise', 'pending_approval', 49900],
    ]);
    // docs/rules.md §4: a paid agent pending approval needs a payment method.
    expect(subs[1]?.needsPaymentMethod).toBe(true);
  });

  it("a paid agent's subscription becomes active when a workspace admin approves it", async () => {
    const c = await createCast(ctx.app, { plan: 'pro', status: 'pending_approval' });
    const admin = as(ctx.app, c.admin);
    const plan = () => as(ctx.app, c.agentAdmin)({ method: 'GET', url: agentUrl(c, c.agentId, 'plan') });
    expect(json(await plan())).toMatchObject({
      plan: 'pro',
      status: 'pending_approval',
      subscriptionStatus: 'pending_approval',
    });
    const approved = await admin({ method: 'POST', url: agentUrl(c, c.agentId, 'approve') });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json(await plan())).toMatchObject({ status: 'approved', subscriptionStatus: 'active' });
    const subs = json<{ subscriptions: { agentId: string; status: string; activatedAt: string | null }[] }>(
      await admin({ method: 'GET', url: ws(c, 'subscriptions') }),
    );
    expect(subs.subscriptions).toMatchObject([{ agentId: c.agentId, status: 'active' }]);
    // The approval itself starts the subscription (invoices count from then).
    const activatedAt = subs.subscriptions[0]?.activatedAt;
    expect(activatedAt).not.toBeNull();
    expect(Date.now() - new Date(activatedAt ?? 0).getTime()).toBeLessThan(60_000);
  });

  it('a workspace admin can attach a payment method to an agent', async () => {
    const c = await createCast(ctx.app);
    await addCard(c, VISA);
    const amex = await addCard(c, '378282246310005', { cvc: '1234' });
    const res = await as(
      ctx.app,
      c.admin,
    )({
      method: 'PUT',
      url: agentUrl(c, c.agentId, 'payment-method'),
      payload: { paymentMethodId: amex.id },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      agentId: c.agentId,
      paymentMethod: { id: amex.id, brand: 'amex', source: 'agent' },
    });
  });

  it('a workspace admin can upgrade plans and allow or prevent overages per agent', async () => {
    const c = await createCast(ctx.app, { plan: 'starter' });
    const req = as(ctx.app, c.admin);
    const up = await req({
      method: 'PATCH',
      url: agentUrl(c, c.agentId, 'subscription'),
      payload: { plan: 'enterprise', overage: 'allow' },
    });
    expect(up.statusCode).toBe(200);
    expect(json(up)).toMatchObject({
      plan: 'enterprise',
      status: 'active',
      overage: 'allow',
      priceCents: 49900,
    });
    const agent = await ctx.app.db
      .selectFrom('agents')
      .select(['plan', 'status'])
      .where('id', '=', c.agentId)
      .executeTakeFirstOrThrow();
    expect(agent).toEqual({ plan: 'enterprise', status: 'approved' });
    const prevent = await req({
      method: 'PATCH',
      url: agentUrl(c, c.agentId, 'subscription'),
      payload: { overage: 'prevent' },
    });
    expect(json(prevent)).toMatchObject({ overage: 'prevent' });
    const actions = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('workspace_id', '=', c.workspaceId)
      .where((eb) => eb.or([eb('action', 'like', 'subscription.%'), eb('action', '=', 'agent.plan_changed')]))
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'agent.plan_changed',
      'subscription.overage_changed',
      'subscription.overage_changed',
    ]);
  });

  it('a workspace admin can view and download all invoices, with correct totals', async () => {
    const c = await createCast(ctx.app, { plan: 'pro' });
    const req = as(ctx.app, c.admin);
    await addCard(c, VISA);
    const big = await addAgent(ctx.app, c.workspaceId, {
      name: 'Enterprise Bot',
      plan: 'enterprise',
      status: 'approved',
    });
    const capped = await addAgent(ctx.app, c.workspaceId, {
      name: 'Capped Bot',
      plan: 'pro',
      status: 'approved',
    });
    await req({
      method: 'PATCH',
      url: agentUrl(c, c.agentId, 'subscription'),
      payload: { overage: 'allow' },
    });
    const now = new Date();
    const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 0, 1)).toISOString();
    // 1,003 conversations this month on the overage-allowing pro agent, 1,010 on the capped one.
    for (const [agentId, n] of [
      [c.agentId, 1003],
      [capped, 1010],
    ] as const) {
      await sql`INSERT INTO conversations (workspace_id, agent_id, external_id, messages, started_at)
        SELECT ${c.workspaceId}::uuid, ${agentId}::uuid, 'usage-' || g, '[]'::jsonb, ${monthStart}::timestamptz
        FROM generate_series(1, ${n}::int) AS g`.execute(ctx.app.db);
    }
    const issued = await req({ method: 'POST', url: ws(c, 'invoices'), payload: { period } });
    expect(issued.statusCode, issued.body).toBe(201);
    const invoice = json<{
      id: string;
      number: string;
      status: string;
      totalCents: number;
      subtotalCents: number;
      lines: { agentId: string; quantity: number; unitCents: number; amountCents: number }[];
    }>(issued);
    expect(invoice.lines.map((l) => [l.agentId, l.quantity, l.unitCents, l.amountCents])).toEqual([
      [c.agentId, 1, 4900, 4900],
      [c.agentId, 3, 5, 15],
      [big, 1, 49900, 49900],
      [capped, 1, 4900, 4900],
    ]);
    expect(invoice.subtotalCents).toBe(59715);
    expect(invoice.totalCents).toBe(59715);
    expect(invoice.status).toBe('paid');
    expect(invoice.number).toBe(`INV-${period.replace('-', '')}-0001`);

    const again = await req({ method: 'POST', url: ws(c, 'invoices'), payload: { period } });
    expect(again.statusCode).toBe(409);
    expect(json(again)).toMatchObject({ code: 'conflict' });

    const list = json<{ invoices: { id: string }[] }>(await req({ method: 'GET', url: ws(c, 'invoices') }));
    expect(list.invoices.map((i) => i.id)).toEqual([invoice.id]);

    const pdf = await req({ method: 'GET', url: ws(c, `invoices/${invoice.id}/pdf`) });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`${invoice.number}.pdf`);
    const parser = new PDFParse({ data: new Uint8Array(pdf.rawPayload) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Pro plan — Support Bot');
    expect(text).toContain('Enterprise Bot');
    expect(text).toContain('$597.15');
    expect(text).toContain(c.admin.email);
    expect(text).toContain('visa ending 4242');
  });
});

describe('agent admins and users (seed 004: limited visibility into billing)', () => {
  it('an agent admin cannot attach a payment method', async () => {
    const c = await createCast(ctx.app);
    const pm = await addCard(c, VISA);
    const res = await as(
      ctx.app,
      c.agentAdmin,
    )({
      method: 'PUT',
      url: agentUrl(c, c.agentId, 'payment-method'),
      payload: { paymentMethodId: pm.id },
    });
    expect(res.statusCode).toBe(403);
    expect(json(res)).toMatchObject({ code: 'forbidden', required: { capability: 'agent.approve' } });
    const sub = await ctx.app.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('agent_id', '=', c.agentId)
      .execute();
    expect(sub).toEqual([]);
    // The refusal of an administrative action is audited (docs/rules.md §5).
    const denied = await ctx.app.db
      .selectFrom('activity_log')
      .select(['actor_id'])
      .where('workspace_id', '=', c.workspaceId)
      .where('action', '=', 'access.denied')
      .execute();
    expect(denied.map((d) => d.actor_id)).toContain(c.agentAdmin.id);
  });

  it('an agent admin sees plan and status but not invoices', async () => {
    const c = await createCast(ctx.app, { plan: 'pro', status: 'approved' });
    const req = as(ctx.app, c.agentAdmin);
    const plan = await req({ method: 'GET', url: agentUrl(c, c.agentId, 'plan') });
    expect(plan.statusCode).toBe(200);
    expect(json(plan)).toEqual({
      agentId: c.agentId,
      agentName: 'Support Bot',
      plan: 'pro',
      status: 'approved',
      subscriptionStatus: 'active',
    });
    for (const path of ['invoices', 'payment-methods', 'subscriptions', 'billing']) {
      expect((await req({ method: 'GET', url: ws(c, path) })).statusCode, path).toBe(403);
    }
  });

  it('an agent admin cannot change plans or overages through billing', async () => {
    const c = await createCast(ctx.app, { plan: 'pro' });
    const res = await as(
      ctx.app,
      c.agentAdmin,
    )({ method: 'PATCH', url: agentUrl(c, c.agentId, 'subscription'), payload: { overage: 'allow' } });
    expect(res.statusCode).toBe(403);
  });

  it("an agent admin cannot see another agent's plan", async () => {
    const c = await createCast(ctx.app);
    const other = await addAgent(ctx.app, c.workspaceId, { name: 'Other', plan: 'pro' });
    const res = await as(ctx.app, c.agentAdmin)({ method: 'GET', url: agentUrl(c, other, 'plan') });
    expect(res.statusCode).toBe(404);
  });

  it('an agent user cannot see the plan or any billing', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentUser);
    expect((await req({ method: 'GET', url: agentUrl(c, c.agentId, 'plan') })).statusCode).toBe(403);
    expect((await req({ method: 'GET', url: ws(c, 'billing') })).statusCode).toBe(403);
    expect((await as(ctx.app, c.member)({ method: 'GET', url: ws(c, 'invoices') })).statusCode).toBe(403);
  });
});

describe('payment provider and bad input', () => {
  it('the test provider Luhn-checks numbers, refuses expired cards and declines its decline cards', async () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    const c = await createCast(ctx.app, { plan: 'starter' });
    const req = as(ctx.app, c.admin);
    const luhn = await req({
      method: 'POST',
      url: ws(c, 'payment-methods'),
      payload: card('4242424242424241'),
    });
    expect(json(luhn)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/number' }] });
    const expired = await req({
      method: 'POST',
      url: ws(c, 'payment-methods'),
      payload: { ...card(), expYear: 2020 },
    });
    expect(json(expired)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/expYear' }] });
    const declined = await req({
      method: 'POST',
      url: ws(c, 'payment-methods'),
      payload: card('4000000000000002'),
    });
    expect(declined.statusCode).toBe(402);
    expect(json(declined)).toMatchObject({ code: 'card_declined' });
    expect(
      await ctx.app.db
        .selectFrom('payment_methods')
        .select('id')
        .where('workspace_id', '=', c.workspaceId)
        .execute(),
    ).toEqual([]);
  });

  it('charges are idempotent per key at the test provider', async () => {
    const provider = createTestPaymentProvider();
    const t = await provider.tokenize(card());
    const a = await provider.charge(t.token, 100, 'usd', 'k1');
    const b = await provider.charge(t.token, 100, 'usd', 'k1');
    const c = await provider.charge(t.token, 100, 'usd', 'k2');
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('the last payment method cannot be removed while a paid agent is active', async () => {
    const c = await createCast(ctx.app, { plan: 'pro' });
    const pm = await addCard(c, VISA);
    const res = await as(ctx.app, c.admin)({ method: 'DELETE', url: ws(c, `payment-methods/${pm.id}`) });
    expect(res.statusCode).toBe(409);
    expect(json(res)).toMatchObject({ code: 'conflict', activeSubscriptions: 1 });
  });

  it("another workspace's payment methods and invoices give 404", async () => {
    const a = await createCast(ctx.app, { plan: 'starter' });
    const b = await createCast(ctx.app, { plan: 'pro' });
    const bPm = await addCard(b, VISA);
    const bInvoice = json<{ id: string }>(
      await as(ctx.app, b.admin)({ method: 'POST', url: ws(b, 'invoices'), payload: { period: '2026-01' } }),
    );
    const req = as(ctx.app, a.admin);
    for (const attempt of [
      { method: 'DELETE', url: ws(a, `payment-methods/${bPm.id}`) },
      { method: 'POST', url: ws(a, `payment-methods/${bPm.id}/default`) },
      { method: 'GET', url: ws(a, `invoices/${bInvoice.id}`) },
      { method: 'GET', url: ws(a, `invoices/${bInvoice.id}/pdf`) },
      { method: 'GET', url: agentUrl(a, b.agentId, 'plan') },
      { method: 'GET', url: ws(b, 'invoices') },
    ] as const) {
      expect((await req(attempt)).statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    const attach = await req({
      method: 'PUT',
      url: agentUrl(a, a.agentId, 'payment-method'),
      payload: { paymentMethodId: bPm.id },
    });
    expect(attach.statusCode).toBe(400);
    expect(json(attach)).toMatchObject({ errors: [{ path: '/body/paymentMethodId' }] });
  });
});
