import { describe, expect, it } from 'vitest';
import { addAgent, addApiKey, addMember, createCast, setPolicies } from '../../../test/cast';
import { as } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

/**
 * Seed 004's Expert Admin and User rules for agent resources, each as its own
 * test, end to end through the guard and the engine (docs/rules.md §2 catalog, §3
 * policies).
 */

const ctx = useTestApp();
const url = (c: { workspaceId: string; agentId: string }, rest: string) =>
  `/v1/workspaces/${c.workspaceId}/agents/${c.agentId}/${rest}`;

async function activity(workspaceId: string, action: string) {
  return ctx.app.db
    .selectFrom('activity_log')
    .select(['action', 'actor_id', 'target_id', 'before', 'after'])
    .where('workspace_id', '=', workspaceId)
    .where('action', '=', action)
    .execute();
}

const transcript = {
  externalId: 'conv-1',
  channel: 'chat',
  endUser: 'jo.customer@example.com',
  startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  messages: [
    { role: 'user', text: 'Hi, I am jo.customer@example.com, call me on +1 (555) 010-9999 please' },
    { role: 'agent', text: 'Sure! Your order ships on 2026-11-23.' },
  ],
  recordingUrl: 'https://recordings.example.com/conv-1.mp3',
};

describe('agent admins (seed 004: Expert Admins)', () => {
  it('an agent admin can add and remove data sources', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentAdmin);
    const add = await req({
      method: 'POST',
      url: url(c, 'data-sources'),
      payload: { name: 'Help center', kind: 'url', location: 'https://help.example.com' },
    });
    expect(add.statusCode).toBe(201);
    const ds = json<{ id: string; status: string; addedBy: { id: string } }>(add);
    expect(ds).toMatchObject({ status: 'pending', addedBy: { id: c.agentAdmin.id } });
    const list = json<{ dataSources: { id: string }[]; can: { edit: boolean } }>(
      await req({ method: 'GET', url: url(c, 'data-sources') }),
    );
    expect(list.dataSources.map((d) => d.id)).toEqual([ds.id]);
    expect(list.can.edit).toBe(true);
    const del = await req({ method: 'DELETE', url: url(c, `data-sources/${ds.id}`) });
    expect(del.statusCode).toBe(204);
    expect(
      json<{ dataSources: unknown[] }>(await req({ method: 'GET', url: url(c, 'data-sources') })).dataSources,
    ).toEqual([]);
    expect((await activity(c.workspaceId, 'data_source.added')).map((a) => a.actor_id)).toEqual([
      c.agentAdmin.id,
    ]);
    expect(await activity(c.workspaceId, 'data_source.removed')).toHaveLength(1);
  });

  it('an agent admin can manage feedback', async () => {
    const c = await createCast(ctx.app);
    const key = await addApiKey(ctx.app, c.workspaceId, { 'analytics.feedback': 'edit' });
    const posted = await as(ctx.app, { apiKey: key })({
      method: 'POST',
      url: url(c, 'feedback'),
      payload: { rating: 'down', comment: 'Wrong opening hours', messageRef: 'msg-42' },
    });
    expect(posted.statusCode).toBe(201);
    const fb = json<{ id: string; resolved: boolean }>(posted);
    expect(fb.resolved).toBe(false);
    const req = as(ctx.app, c.agentAdmin);
    const resolved = await req({
      method: 'PATCH',
      url: url(c, `feedback/${fb.id}`),
      payload: { resolved: true, resolutionNote: 'Updated the hours page' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(json(resolved)).toMatchObject({ resolved: true, resolutionNote: 'Updated the hours page' });
    const open = json<{ feedback: unknown[] }>(
      await req({ method: 'GET', url: url(c, 'feedback?resolved=false') }),
    );
    expect(open.feedback).toEqual([]);
    expect(await activity(c.workspaceId, 'feedback.resolved')).toHaveLength(1);
  });

  it('an agent admin can view conversations', async () => {
    const c = await createCast(ctx.app);
    await ingest(c, transcript);
    const res = await as(ctx.app, c.agentAdmin)({ method: 'GET', url: url(c, 'conversations') });
    expect(res.statusCode).toBe(200);
    expect(
      json<{ conversations: { externalId: string }[] }>(res).conversations.map((x) => x.externalId),
    ).toEqual(['conv-1']);
  });

  it('conversations_hidden hides transcripts from an agent admin', async () => {
    const c = await createCast(ctx.app);
    const id = await ingest(c, transcript);
    await setPolicies(ctx.app, c.workspaceId, ['conversations_hidden']);
    const agentAdmin = as(ctx.app, c.agentAdmin);
    const list = await agentAdmin({ method: 'GET', url: url(c, 'conversations') });
    expect(list.statusCode).toBe(403);
    expect(json(list)).toMatchObject({
      code: 'forbidden',
      required: { permission: 'analytics.conversations' },
    });
    expect((await agentAdmin({ method: 'GET', url: url(c, `conversations/${id}`) })).statusCode).toBe(403);
    // Policies never cap workspace admins (docs/rules.md §3 step 2).
    expect((await as(ctx.app, c.admin)({ method: 'GET', url: url(c, 'conversations') })).statusCode).toBe(
      200,
    );
  });

  it('an agent admin can manage share links and the embed snippet', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentAdmin);
    const created = await req({
      method: 'POST',
      url: url(c, 'share-links'),
      payload: { name: 'Website', authorizedDomains: ['Example.com', '*.example.org'] },
    });
    expect(created.statusCode).toBe(201);
    const link = json<{ id: string; url: string; authorizedDomains: string[] }>(created);
    expect(link.authorizedDomains).toEqual(['example.com', '*.example.org']);
    expect(link.url).toMatch(/^http:\/\/atrium\.test\/chat\/[\w-]+$/);
    const embed = json<{ snippet: string }>(
      await req({ method: 'GET', url: url(c, `share-links/${link.id}/embed`) }),
    );
    expect(embed.snippet).toContain('<script src="http://atrium.test/widget.js"');
    const patched = await req({
      method: 'PATCH',
      url: url(c, `share-links/${link.id}`),
      payload: { enabled: false, authorizedDomains: ['shop.example.com'] },
    });
    expect(json(patched)).toMatchObject({ enabled: false, authorizedDomains: ['shop.example.com'] });
    expect((await req({ method: 'DELETE', url: url(c, `share-links/${link.id}`) })).statusCode).toBe(204);
    expect(await activity(c.workspaceId, 'share_link.created')).toHaveLength(1);
    expect(await activity(c.workspaceId, 'share_link.deleted')).toHaveLength(1);
  });

  it('embedding_disabled makes share links read-only for an agent admin', async () => {
    const c = await createCast(ctx.app);
    const admin = as(ctx.app, c.admin);
    const made = await admin({ method: 'POST', url: url(c, 'share-links'), payload: { name: 'Docs site' } });
    expect(made.statusCode).toBe(201);
    await setPolicies(ctx.app, c.workspaceId, ['embedding_disabled']);
    const agentAdmin = as(ctx.app, c.agentAdmin);
    const list = await agentAdmin({ method: 'GET', url: url(c, 'share-links') });
    expect(list.statusCode).toBe(200);
    expect(json<{ shareLinks: unknown[]; can: { edit: boolean } }>(list)).toMatchObject({
      can: { edit: false },
    });
    const create = await agentAdmin({
      method: 'POST',
      url: url(c, 'share-links'),
      payload: { name: 'Blog' },
    });
    expect(create.statusCode).toBe(403);
    const branding = await agentAdmin({
      method: 'PATCH',
      url: url(c, 'settings/branding'),
      payload: { primaryColor: '#000000' },
    });
    expect(branding.statusCode).toBe(403);
    // The workspace admin is not capped.
    expect(
      (await admin({ method: 'POST', url: url(c, 'share-links'), payload: { name: 'Blog' } })).statusCode,
    ).toBe(201);
    expect(
      await ctx.app.db
        .selectFrom('share_links')
        .select('name')
        .where('workspace_id', '=', c.workspaceId)
        .execute(),
    ).toHaveLength(2);
  });

  it('an agent admin can change the persona and branding', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentAdmin);
    const persona = await req({
      method: 'PATCH',
      url: url(c, 'settings/persona'),
      payload: { persona: 'You are a friendly support agent for Acme.' },
    });
    expect(persona.statusCode).toBe(200);
    expect(json(persona)).toMatchObject({
      persona: 'You are a friendly support agent for Acme.',
      can: { edit: true },
    });
    const branding = await req({
      method: 'PATCH',
      url: url(c, 'settings/branding'),
      payload: { primaryColor: '#112233', logoUrl: 'https://cdn.example.com/logo.png' },
    });
    expect(json(branding)).toMatchObject({
      primaryColor: '#112233',
      accentColor: '#ffffff',
      logoUrl: 'https://cdn.example.com/logo.png',
    });
    // Persona survived the branding change (one row, groups do not overwrite each other).
    expect(json(await req({ method: 'GET', url: url(c, 'settings/persona') }))).toMatchObject({
      persona: 'You are a friendly support agent for Acme.',
    });
    const log = await activity(c.workspaceId, 'agent.branding_updated');
    expect(log[0]?.after).toMatchObject({ primaryColor: '#112233' });
  });

  it('an agent admin can change privacy settings', async () => {
    const c = await createCast(ctx.app);
    const res = await as(
      ctx.app,
      c.agentAdmin,
    )({
      method: 'PATCH',
      url: url(c, 'settings/privacy'),
      payload: { retentionDays: 30, piiRedaction: true },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ retentionDays: 30, piiRedaction: true, can: { edit: true } });
  });

  it('security_enforced lets an agent admin see but not change privacy settings', async () => {
    const c = await createCast(ctx.app);
    await setPolicies(ctx.app, c.workspaceId, ['security_enforced']);
    const req = as(ctx.app, c.agentAdmin);
    const read = await req({ method: 'GET', url: url(c, 'settings/privacy') });
    expect(read.statusCode).toBe(200);
    expect(json(read)).toMatchObject({ retentionDays: 90, piiRedaction: false, can: { edit: false } });
    const change = await req({
      method: 'PATCH',
      url: url(c, 'settings/privacy'),
      payload: { retentionDays: 7 },
    });
    expect(change.statusCode).toBe(403);
    expect(json(change)).toMatchObject({
      required: { permission: 'configure.security', level: 'edit' },
      level: 'read',
    });
    const admin = await as(
      ctx.app,
      c.admin,
    )({ method: 'PATCH', url: url(c, 'settings/privacy'), payload: { retentionDays: 7 } });
    expect(json(admin)).toMatchObject({ retentionDays: 7 });
  });
});

describe('workspace admins (seed 004: automatically Expert Admin on every Expert)', () => {
  it("a workspace admin manages every agent's resources without an agent role", async () => {
    const c = await createCast(ctx.app);
    const other = await addAgent(ctx.app, c.workspaceId, { name: 'Nobody’s agent' });
    const admin = as(ctx.app, c.admin);
    const at = (rest: string) => `/v1/workspaces/${c.workspaceId}/agents/${other}/${rest}`;
    const writes = [
      { method: 'PATCH', url: at('settings/persona'), payload: { persona: 'Be brief.' } },
      { method: 'PATCH', url: at('settings/branding'), payload: { accentColor: '#fafafa' } },
      { method: 'PATCH', url: at('settings/privacy'), payload: { retentionDays: 14 } },
      { method: 'POST', url: at('data-sources'), payload: { name: 'FAQ', kind: 'text' } },
      {
        method: 'POST',
        url: at('share-links'),
        payload: { name: 'Intranet', authorizedDomains: ['intranet.acme.example'] },
      },
      { method: 'POST', url: at('feedback'), payload: { rating: 'up' } },
    ] as const;
    for (const w of writes) {
      const res = await admin(w);
      expect(res.statusCode, `${w.method} ${w.url}: ${res.body}`).toBeLessThan(300);
    }
    for (const path of ['conversations', 'feedback', 'data-sources', 'share-links', 'settings/privacy']) {
      expect((await admin({ method: 'GET', url: at(path) })).statusCode, path).toBe(200);
    }
  });
});

describe('agent users (seed 004: Users)', () => {
  it('an agent user cannot see share links', async () => {
    const c = await createCast(ctx.app);
    const made = json<{ id: string }>(
      await as(
        ctx.app,
        c.admin,
      )({ method: 'POST', url: url(c, 'share-links'), payload: { name: 'Website' } }),
    );
    const req = as(ctx.app, c.agentUser);
    expect((await req({ method: 'GET', url: url(c, 'share-links') })).statusCode).toBe(403);
    expect((await req({ method: 'GET', url: url(c, `share-links/${made.id}/embed`) })).statusCode).toBe(403);
  });

  it('an agent user cannot change agent settings', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentUser);
    for (const [path, payload] of [
      ['settings/persona', { persona: 'x' }],
      ['settings/branding', { primaryColor: '#000000' }],
      ['settings/privacy', { retentionDays: 1 }],
    ] as const) {
      expect((await req({ method: 'PATCH', url: url(c, path), payload })).statusCode, path).toBe(403);
    }
    expect(
      await ctx.app.db.selectFrom('agent_settings').selectAll().where('agent_id', '=', c.agentId).execute(),
    ).toEqual([]);
  });

  it('an agent user cannot add data sources or resolve feedback', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.agentUser);
    const add = await req({
      method: 'POST',
      url: url(c, 'data-sources'),
      payload: { name: 'x', kind: 'text' },
    });
    expect(add.statusCode).toBe(403);
    expect((await req({ method: 'GET', url: url(c, 'feedback') })).statusCode).toBe(403);
  });

  it('a matrix grant gives an agent user exactly what it names', async () => {
    const c = await createCast(ctx.app);
    const reader = await (await import('../../../test/factories')).createUser(ctx.app);
    await addMember(ctx.app, c.workspaceId, reader, {
      agent: { agentId: c.agentId, role: 'agent_user', matrix: { 'build.knowledge': 'read' } },
    });
    const req = as(ctx.app, reader);
    const list = await req({ method: 'GET', url: url(c, 'data-sources') });
    expect(list.statusCode).toBe(200);
    expect(json(list)).toMatchObject({ can: { edit: false } });
    expect(
      (await req({ method: 'POST', url: url(c, 'data-sources'), payload: { name: 'x', kind: 'text' } }))
        .statusCode,
    ).toBe(403);
  });

  it('a member without access to the agent gets 404 on its resources', async () => {
    const c = await createCast(ctx.app);
    const res = await as(ctx.app, c.member)({ method: 'GET', url: url(c, 'data-sources') });
    expect(res.statusCode).toBe(404);
  });
});

/** Ingests a transcript with an API key holding edit on analytics.conversations; returns its id. */
async function ingest(c: { workspaceId: string; agentId: string }, body: unknown): Promise<string> {
  const key = await addApiKey(ctx.app, c.workspaceId, { 'analytics.conversations': 'edit' });
  const res = await as(ctx.app, { apiKey: key })({
    method: 'POST',
    url: url(c, 'conversations'),
    payload: body as object,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return json<{ id: string }>(res).id;
}

describe('data source indexing', () => {
  it('the agent platform reports indexing status with an API key', async () => {
    const c = await createCast(ctx.app);
    const ds = json<{ id: string }>(
      await as(
        ctx.app,
        c.agentAdmin,
      )({
        method: 'POST',
        url: url(c, 'data-sources'),
        payload: { name: 'Manual', kind: 'file', location: 'manual.pdf' },
      }),
    );
    const key = await addApiKey(ctx.app, c.workspaceId, { 'build.knowledge': 'edit' }, c.agentId);
    const res = await as(ctx.app, { apiKey: key })({
      method: 'PATCH',
      url: url(c, `data-sources/${ds.id}`),
      payload: { status: 'ready' },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: ds.id, status: 'ready', name: 'Manual' });
    const bad = await as(ctx.app, { apiKey: key })({
      method: 'PATCH',
      url: url(c, `data-sources/${ds.id}`),
      payload: { status: 'indexed' },
    });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(bad).errors[0]?.path).toBe('/body/status');
    const log = await activity(c.workspaceId, 'data_source.updated');
    expect(log).toMatchObject([{ before: { status: 'pending' }, after: { status: 'ready' } }]);
  });
});

describe('conversations: ingest, masking, recordings', () => {
  it('the agent platform ingests transcripts with an API key, idempotently', async () => {
    const c = await createCast(ctx.app);
    const key = await addApiKey(ctx.app, c.workspaceId, { 'analytics.conversations': 'edit' });
    const req = as(ctx.app, { apiKey: key });
    const first = await req({ method: 'POST', url: url(c, 'conversations'), payload: transcript });
    expect(first.statusCode).toBe(201);
    const again = await req({
      method: 'POST',
      url: url(c, 'conversations'),
      payload: { ...transcript, messages: [...transcript.messages, { role: 'user', text: 'Thanks' }] },
    });
    expect(again.statusCode).toBe(200);
    expect(json(again)).toMatchObject({ id: json<{ id: string }>(first).id, created: false });
    const rows = await ctx.app.db
      .selectFrom('conversations')
      .select('messages')
      .where('agent_id', '=', c.agentId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.messages).toHaveLength(3);
    // The log records that a transcript arrived, not what it says.
    const log = await activity(c.workspaceId, 'conversation.ingested');
    expect(JSON.stringify(log)).not.toContain('jo.customer');
  });

  it('an API key with only read cannot ingest', async () => {
    const c = await createCast(ctx.app);
    const key = await addApiKey(ctx.app, c.workspaceId, { 'analytics.conversations': 'read' });
    const res = await as(ctx.app, { apiKey: key })({
      method: 'POST',
      url: url(c, 'conversations'),
      payload: transcript,
    });
    expect(res.statusCode).toBe(403);
    expect(
      await ctx.app.db.selectFrom('conversations').select('id').where('agent_id', '=', c.agentId).execute(),
    ).toEqual([]);
  });

  it('transcripts are masked without read on analytics.conversation_pii', async () => {
    const c = await createCast(ctx.app);
    const id = await ingest(c, transcript);
    const analyst = await (await import('../../../test/factories')).createUser(ctx.app);
    await addMember(ctx.app, c.workspaceId, analyst, {
      agent: { agentId: c.agentId, role: 'agent_user', matrix: { 'analytics.conversations': 'read' } },
    });
    const res = json<{
      messages: { text: string }[];
      endUser: string;
      masked: boolean;
      recordingUrl: string | null;
      hasRecording: boolean;
    }>(await as(ctx.app, analyst)({ method: 'GET', url: url(c, `conversations/${id}`) }));
    expect(res.masked).toBe(true);
    expect(res.endUser).toBe('[email]');
    expect(res.messages[0]?.text).toBe('Hi, I am [email], call me on [phone] please');
    expect(res.messages[1]?.text).toBe('Sure! Your order ships on 2026-11-23.');
    expect(res.hasRecording).toBe(true);
    expect(res.recordingUrl).toBeNull();
    const list = await as(ctx.app, analyst)({ method: 'GET', url: url(c, 'conversations') });
    expect(list.body).not.toContain('jo.customer@example.com');
  });

  it('read on analytics.conversation_pii unmasks, and analytics.call_download reveals the recording', async () => {
    const c = await createCast(ctx.app);
    const id = await ingest(c, transcript);
    const analyst = await (await import('../../../test/factories')).createUser(ctx.app);
    await addMember(ctx.app, c.workspaceId, analyst, {
      agent: {
        agentId: c.agentId,
        role: 'agent_user',
        matrix: {
          'analytics.conversations': 'read',
          'analytics.conversation_pii': 'read',
          'analytics.call_download': 'read',
        },
      },
    });
    const res = json<{ messages: { text: string }[]; masked: boolean; recordingUrl: string | null }>(
      await as(ctx.app, analyst)({ method: 'GET', url: url(c, `conversations/${id}`) }),
    );
    expect(res.masked).toBe(false);
    expect(res.messages[0]?.text).toContain('jo.customer@example.com');
    expect(res.recordingUrl).toBe('https://recordings.example.com/conv-1.mp3');
  });

  it('PII redaction in privacy settings masks transcripts before they are stored', async () => {
    const c = await createCast(ctx.app);
    await as(
      ctx.app,
      c.admin,
    )({ method: 'PATCH', url: url(c, 'settings/privacy'), payload: { piiRedaction: true } });
    const id = await ingest(c, transcript);
    const res = json<{ messages: { text: string }[]; masked: boolean }>(
      await as(ctx.app, c.admin)({ method: 'GET', url: url(c, `conversations/${id}`) }),
    );
    expect(res.masked).toBe(false);
    expect(res.messages[0]?.text).toBe('Hi, I am [email], call me on [phone] please');
  });

  it('transcripts past the retention window are no longer shown', async () => {
    const c = await createCast(ctx.app);
    await ingest(c, {
      ...transcript,
      externalId: 'old',
      startedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
    });
    await ingest(c, transcript);
    await as(
      ctx.app,
      c.admin,
    )({ method: 'PATCH', url: url(c, 'settings/privacy'), payload: { retentionDays: 30 } });
    const list = json<{ conversations: { externalId: string }[] }>(
      await as(ctx.app, c.admin)({ method: 'GET', url: url(c, 'conversations') }),
    );
    expect(list.conversations.map((x) => x.externalId)).toEqual(['conv-1']);
  });
});

describe('bad input and tenant isolation', () => {
  it('rejects bad colours, non-https logos and bad domains with validation_failed naming the field, writing nothing', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.admin);
    const colour = await req({
      method: 'PATCH',
      url: url(c, 'settings/branding'),
      payload: { primaryColor: 'red' },
    });
    expect(colour.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(colour).errors.map((e) => e.path)).toContain(
      '/body/primaryColor',
    );
    const logo = await req({
      method: 'PATCH',
      url: url(c, 'settings/branding'),
      payload: { logoUrl: 'http://x.example/l.png' },
    });
    expect(logo.statusCode).toBe(400);
    expect(json(logo)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/logoUrl' }] });
    const domains = await req({
      method: 'POST',
      url: url(c, 'share-links'),
      payload: { name: 'x', authorizedDomains: ['example.com', 'https://bad.example/path'] },
    });
    expect(domains.statusCode).toBe(400);
    expect(json(domains)).toMatchObject({ errors: [{ path: '/body/authorizedDomains/1' }] });
    const kind = await req({
      method: 'POST',
      url: url(c, 'data-sources'),
      payload: { name: 'x', kind: 'pdf' },
    });
    expect(kind.statusCode).toBe(400);
    const noUrl = await req({
      method: 'POST',
      url: url(c, 'data-sources'),
      payload: { name: 'x', kind: 'url', location: 'nope' },
    });
    expect(json(noUrl)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/location' }] });
    const feedback = await req({
      method: 'POST',
      url: url(c, 'feedback'),
      payload: { rating: 'up', conversationId: '00000000-0000-0000-0000-000000000000' },
    });
    expect(json(feedback)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/conversationId' }],
    });
    // Something uuid-shaped but not a uuid must not reach the uuid column (a 500).
    const dashes = await req({
      method: 'POST',
      url: url(c, 'feedback'),
      payload: { rating: 'up', conversationId: '-'.repeat(36) },
    });
    expect(json(dashes)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/conversationId' }],
    });
    expect(
      await ctx.app.db.selectFrom('agent_settings').selectAll().where('agent_id', '=', c.agentId).execute(),
    ).toEqual([]);
    expect(
      await ctx.app.db.selectFrom('share_links').selectAll().where('agent_id', '=', c.agentId).execute(),
    ).toEqual([]);
    expect(
      await ctx.app.db.selectFrom('data_sources').selectAll().where('agent_id', '=', c.agentId).execute(),
    ).toEqual([]);
  });

  it("another workspace's resource ids give 404, even to a workspace admin", async () => {
    const a = await createCast(ctx.app);
    const b = await createCast(ctx.app);
    const bAdmin = as(ctx.app, b.admin);
    const ds = json<{ id: string }>(
      await bAdmin({
        method: 'POST',
        url: url(b, 'data-sources'),
        payload: { name: 'B docs', kind: 'text' },
      }),
    );
    const link = json<{ id: string }>(
      await bAdmin({ method: 'POST', url: url(b, 'share-links'), payload: { name: 'B' } }),
    );
    const fb = json<{ id: string }>(
      await bAdmin({ method: 'POST', url: url(b, 'feedback'), payload: { rating: 'up' } }),
    );
    const conv = await ingest(b, transcript);
    const aAdmin = as(ctx.app, a.admin);
    const attempts = [
      { method: 'DELETE', url: url(a, `data-sources/${ds.id}`) },
      { method: 'PATCH', url: url(a, `share-links/${link.id}`), payload: { enabled: false } },
      { method: 'GET', url: url(a, `share-links/${link.id}/embed`) },
      { method: 'PATCH', url: url(a, `feedback/${fb.id}`), payload: { resolved: true } },
      { method: 'GET', url: url(a, `conversations/${conv}`) },
      // B's agent under A's workspace, and B's workspace altogether.
      { method: 'GET', url: `/v1/workspaces/${a.workspaceId}/agents/${b.agentId}/data-sources` },
      { method: 'GET', url: url(b, 'data-sources') },
    ] as const;
    for (const attempt of attempts) {
      const res = await aAdmin(attempt);
      expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    expect(
      await ctx.app.db.selectFrom('data_sources').select('id').where('id', '=', ds.id).execute(),
    ).toHaveLength(1);
  });
});

describe('the web widget', () => {
  it('a share link works only on its authorized domains, and not once disabled', async () => {
    const c = await createCast(ctx.app);
    const admin = as(ctx.app, c.admin);
    await admin({ method: 'PATCH', url: url(c, 'settings/branding'), payload: { primaryColor: '#abcdef' } });
    const link = json<{ id: string; url: string }>(
      await admin({
        method: 'POST',
        url: url(c, 'share-links'),
        payload: { name: 'Site', authorizedDomains: ['*.acme.example', 'acme.example'] },
      }),
    );
    const slug = link.url.split('/').pop() as string;
    const widget = (origin?: string) =>
      ctx.app.inject({ method: 'GET', url: `/v1/share/${slug}`, headers: origin ? { origin } : {} });
    const direct = await widget();
    expect(direct.statusCode).toBe(200);
    expect(json(direct)).toMatchObject({
      agentName: 'Support Bot',
      linkName: 'Site',
      primaryColor: '#abcdef',
    });
    const embedded = await widget('https://shop.acme.example');
    expect(embedded.statusCode).toBe(200);
    expect(embedded.headers['access-control-allow-origin']).toBe('https://shop.acme.example');
    expect((await widget('https://acme.example')).statusCode).toBe(200);
    const foreign = await widget('https://evil-acme.example');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    // Issue 14: an authorized domain over plain http is not trusted.
    const plain = await widget('http://shop.acme.example');
    expect(plain.statusCode).toBe(403);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await admin({ method: 'PATCH', url: url(c, `share-links/${link.id}`), payload: { enabled: false } });
    expect((await widget()).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/share/nope' })).statusCode).toBe(404);
  });
});
