import { describe, expect, it } from 'vitest';
import { addAgent, createCast } from '../../../test/cast';
import { as } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { seedDemoResources } from './demo';

const ctx = useTestApp();

describe('seedDemoResources', () => {
  it('fills every area of the demo workspace once, visible through the API', async () => {
    const c = await createCast(ctx.app, { plan: 'pro' });
    await addAgent(ctx.app, c.workspaceId, { name: 'Voice Receptionist', plan: 'starter' });
    const first = await seedDemoResources(ctx.app.db, c.workspaceId);
    expect(first).toEqual({ created: true, agents: 2, invoices: 2 });
    expect(await seedDemoResources(ctx.app.db, c.workspaceId)).toMatchObject({ created: false });

    const admin = as(ctx.app, c.admin);
    const base = `/v1/workspaces/${c.workspaceId}`;
    const agent = `${base}/agents/${c.agentId}`;
    const sources = json<{ dataSources: { status: string }[] }>(
      await admin({ method: 'GET', url: `${agent}/data-sources` }),
    );
    expect(sources.dataSources.length).toBe(3);
    expect(sources.dataSources.every((s) => s.status === 'ready')).toBe(true);
    expect(
      json<{ conversations: unknown[] }>(await admin({ method: 'GET', url: `${agent}/conversations` }))
        .conversations,
    ).toHaveLength(5);
    expect(
      json<{ feedback: unknown[] }>(await admin({ method: 'GET', url: `${agent}/feedback?resolved=false` }))
        .feedback,
    ).toHaveLength(3);
    expect(
      json<{ shareLinks: unknown[] }>(await admin({ method: 'GET', url: `${agent}/share-links` })).shareLinks,
    ).toHaveLength(1);
    const invoices = json<{ invoices: { status: string; totalCents: number }[] }>(
      await admin({ method: 'GET', url: `${base}/invoices` }),
    );
    expect(invoices.invoices).toHaveLength(2);
    expect(invoices.invoices.every((i) => i.status === 'paid' && i.totalCents === 4900)).toBe(true);
    const subs = json<{ subscriptions: { overage: string; status: string }[] }>(
      await admin({ method: 'GET', url: `${base}/subscriptions` }),
    );
    expect(subs.subscriptions).toMatchObject([{ status: 'active', overage: 'allow' }]);
    expect(
      json<{ tickets: unknown[] }>(await admin({ method: 'GET', url: `${base}/tickets` })).tickets,
    ).toHaveLength(2);
    // The member who filed the first ticket sees only theirs.
    const mine = json<{ tickets: { subject: string }[] }>(
      await as(ctx.app, c.agentAdmin)({ method: 'GET', url: `${base}/tickets` }),
    );
    expect(mine.tickets.map((t) => t.subject)).toEqual(['How do I add a PDF to the knowledge base?']);
  });
});
