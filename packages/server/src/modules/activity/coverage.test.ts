import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
  signInAs,
  type TestUser,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

/**
 * Issue 6, "every mutating route of the API produces exactly one entry of
 * the documented action", generated from the route table: every POST, PUT,
 * PATCH and DELETE route of the app must have a scenario below (or a reason
 * in NOT_A_CHANGE). Each scenario makes one successful request with its own
 * `x-request-id` and checks the entries that carry that request id: the
 * actions listed, no more, no fewer, each documented in docs/activity.md.
 *
 * A route added without a scenario fails `has a scenario` by name.
 */

const ctx = useTestApp({ consoleDir: '/nonexistent-console', activityPurgeIntervalMinutes: 0 });

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Mutating routes that change nothing, so record nothing, with the reason. */
const NOT_A_CHANGE: Record<string, string> = {
  'POST /v1/check': 'a permission decision (read-only); POST because the agent platform sends a body',
  'POST /v1/check/batch': 'a batch of permission decisions (read-only)',
};

interface World {
  admin: TestUser;
  member: TestUser;
  workspaceId: string;
  agentId: string;
}

type Call = (opts: InjectOptions) => Promise<LightMyRequestResponse>;

interface Scenario {
  /** The actions the request writes, in order. Usually one. */
  actions: string[];
  /**
   * Sets up what the request needs, then makes it with `call(who)` — which
   * stamps the request id the check looks for. Returns the response.
   */
  run(w: World, call: (who: TestUser | null) => Call): Promise<LightMyRequestResponse>;
}

let shared: World;

async function newWorld(): Promise<World> {
  const admin = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, admin);
  const agent = await createAgent(ctx.app, admin, ws.id);
  const member = await addMember(ctx.app, admin, ws.id);
  await addAgentMember(ctx.app, admin, ws.id, agent.id, member);
  return { admin, member, workspaceId: ws.id, agentId: agent.id };
}

/** The single-use token of the newest email of this template sent to `to` (from the transactional outbox). */
async function tokenFromMail(to: string, template: string): Promise<string> {
  const mail = await ctx.app.db
    .selectFrom('outbox')
    .select(['text_body'])
    .where('to_address', '=', to)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const m = /token=([^\s"&<#]+)/.exec(mail.text_body);
  if (!m?.[1]) throw new Error(`no token in the ${template} email to ${to}`);
  return decodeURIComponent(m[1]);
}

async function ok(
  res: LightMyRequestResponse | Promise<LightMyRequestResponse>,
): Promise<Record<string, unknown>> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`setup ${r.statusCode}: ${r.body}`);
  return json(r);
}

const ws = (w: World, rest = '') => `/v1/workspaces/${w.workspaceId}${rest}`;
const ag = (w: World, rest = '') => ws(w, `/agents/${w.agentId}${rest}`);
const email = () => `cov-${randomBytes(5).toString('hex')}@example.com`;

const SCENARIOS: Record<string, Scenario> = {
  // --- identity (global chain) ---
  // Signing up also signs in: two facts, two entries (the account, then its first session).
  'POST /v1/auth/sign-up': {
    actions: ['auth.signed_up', 'auth.signed_in'],
    run: (_w, call) =>
      call(null)({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: { email: email(), password: `correct horse ${randomUUID()}`, name: 'New Person' },
      }),
  },
  'POST /v1/auth/sign-in': {
    actions: ['auth.signed_in'],
    run: async (_w, call) => {
      const u = await createUser(ctx.app);
      return call(null)({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: u.email, password: u.password },
      });
    },
  },
  'POST /v1/auth/sign-out': {
    actions: ['auth.signed_out'],
    run: async (_w, call) => call(await createUser(ctx.app))({ method: 'POST', url: '/v1/auth/sign-out' }),
  },
  'POST /v1/auth/verify-email': {
    actions: ['auth.email_verified'],
    run: async (_w, call) => {
      const address = email();
      await ok(
        ctx.app.inject({
          method: 'POST',
          url: '/v1/auth/sign-up',
          payload: { email: address, password: `correct horse ${randomUUID()}`, name: 'To Verify' },
        }),
      );
      const token = await tokenFromMail(address, 'verify_email');
      return call(null)({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    },
  },
  'POST /v1/auth/password-reset': {
    actions: ['auth.password_reset_requested'],
    run: async (_w, call) => {
      const u = await createUser(ctx.app);
      return call(null)({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: u.email } });
    },
  },
  'POST /v1/auth/password-reset/confirm': {
    actions: ['auth.password_reset'],
    run: async (_w, call) => {
      const u = await createUser(ctx.app);
      await ok(
        ctx.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: u.email } }),
      );
      const token = await tokenFromMail(u.email, 'reset_password');
      return call(null)({
        method: 'POST',
        url: '/v1/auth/password-reset/confirm',
        payload: { token, password: `new horse battery ${randomUUID()}` },
      });
    },
  },
  'PATCH /v1/me': {
    actions: ['account.updated'],
    run: async (_w, call) =>
      call(await createUser(ctx.app))({
        method: 'PATCH',
        url: '/v1/me',
        payload: { name: 'Renamed Person' },
      }),
  },
  'POST /v1/me/password': {
    actions: ['auth.password_changed'],
    run: async (_w, call) => {
      const u = await createUser(ctx.app);
      return call(u)({
        method: 'POST',
        url: '/v1/me/password',
        payload: { currentPassword: u.password, newPassword: `another horse ${randomUUID()}` },
      });
    },
  },
  // GAP (identity): resending the verification email issues a new token but records nothing yet.
  // The name is a proposal; it must also be added to docs/activity.md.
  'POST /v1/me/verify-email': {
    actions: ['auth.verification_email_sent'],
    run: async (_w, call) => {
      const address = email();
      const password = `correct horse ${randomUUID()}`;
      await ok(
        ctx.app.inject({
          method: 'POST',
          url: '/v1/auth/sign-up',
          payload: { email: address, password, name: 'Unverified' },
        }),
      );
      const s = await signInAs(ctx.app, address, password);
      const u = {
        id: s.userId,
        email: address,
        name: 'Unverified',
        password,
        cookie: s.cookie,
        csrf: s.csrf,
      };
      return call(u)({ method: 'POST', url: '/v1/me/verify-email' });
    },
  },
  'DELETE /v1/me/sessions/:id': {
    actions: ['auth.session_revoked'],
    run: async (_w, call) => {
      const u = await createUser(ctx.app);
      await signInAs(ctx.app, u.email, u.password);
      const list = (await ok(as(ctx.app, u)({ method: 'GET', url: '/v1/me/sessions' }))) as {
        sessions: { id: string; current: boolean }[];
      };
      const other = list.sessions.find((s) => !s.current);
      if (!other) throw new Error('no second session');
      return call(u)({ method: 'DELETE', url: `/v1/me/sessions/${other.id}` });
    },
  },
  'POST /v1/me/sessions/revoke-others': {
    actions: ['auth.other_sessions_revoked'],
    run: async (_w, call) =>
      call(await createUser(ctx.app))({ method: 'POST', url: '/v1/me/sessions/revoke-others' }),
  },
  'POST /v1/me/sessions/revoke-all': {
    actions: ['auth.signed_out_everywhere'],
    run: async (_w, call) =>
      call(await createUser(ctx.app))({ method: 'POST', url: '/v1/me/sessions/revoke-all' }),
  },

  // --- the activity log ---
  'PUT /v1/workspaces/:workspaceId/activity/retention': {
    actions: ['activity.retention_updated'],
    run: (w, call) =>
      call(w.admin)({ method: 'PUT', url: ws(w, '/activity/retention'), payload: { retentionDays: 3650 } }),
  },
  'POST /v1/workspaces/:workspaceId/activity/purge': {
    actions: ['activity.purged'],
    run: (w, call) => call(w.admin)({ method: 'POST', url: ws(w, '/activity/purge') }),
  },

  // --- workspaces and members ---
  'POST /v1/workspaces': {
    actions: ['workspace.created'],
    run: (w, call) => call(w.admin)({ method: 'POST', url: '/v1/workspaces', payload: { name: 'Another' } }),
  },
  'PATCH /v1/workspaces/:workspaceId': {
    actions: ['workspace.renamed'],
    run: (w, call) => call(w.admin)({ method: 'PATCH', url: ws(w), payload: { name: 'Renamed' } }),
  },
  'DELETE /v1/workspaces/:workspaceId': {
    actions: ['workspace.deleted'],
    run: async (_w, call) => {
      const admin = await createUser(ctx.app);
      const created = await createWorkspace(ctx.app, admin, 'Doomed');
      return call(admin)({
        method: 'DELETE',
        url: `/v1/workspaces/${created.id}`,
        payload: { confirm: 'Doomed' },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/members/bulk-permissions': {
    actions: ['permissions.updated'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      return call(w.admin)({
        method: 'POST',
        url: ws(w, '/members/bulk-permissions'),
        payload: { userIds: [m.id], mode: 'replace', matrix: { 'build.knowledge': 'edit' } },
      });
    },
  },
  'PATCH /v1/workspaces/:workspaceId/members/:userId': {
    actions: ['member.role_changed'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      return call(w.admin)({
        method: 'PATCH',
        url: ws(w, `/members/${m.id}`),
        payload: { role: 'admin', confirmReset: true },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/members/:userId': {
    actions: ['member.removed'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      return call(w.admin)({
        method: 'DELETE',
        url: ws(w, `/members/${m.id}`),
        payload: { confirm: m.email },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/leave': {
    actions: ['member.left'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      return call(m)({ method: 'POST', url: ws(w, '/leave') });
    },
  },

  // --- agents ---
  'POST /v1/workspaces/:workspaceId/agents': {
    actions: ['agent.created'],
    run: (w, call) => call(w.admin)({ method: 'POST', url: ws(w, '/agents'), payload: { name: 'Helper' } }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId': {
    actions: ['agent.renamed'],
    run: (w, call) => call(w.admin)({ method: 'PATCH', url: ag(w), payload: { name: 'Renamed agent' } }),
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/approve': {
    actions: ['agent.approved'],
    run: async (w, call) => {
      const pending = await createAgent(ctx.app, w.member, w.workspaceId, { plan: 'pro' });
      return call(w.admin)({ method: 'POST', url: ws(w, `/agents/${pending.id}/approve`) });
    },
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/reject': {
    actions: ['agent.rejected'],
    run: async (w, call) => {
      const pending = await createAgent(ctx.app, w.member, w.workspaceId, { plan: 'pro' });
      return call(w.admin)({ method: 'POST', url: ws(w, `/agents/${pending.id}/reject`) });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/agents/:agentId': {
    actions: ['agent.deleted'],
    run: async (w, call) => {
      const doomed = await createAgent(ctx.app, w.admin, w.workspaceId, { name: 'Doomed agent' });
      return call(w.admin)({
        method: 'DELETE',
        url: ws(w, `/agents/${doomed.id}`),
        payload: { confirm: 'Doomed agent' },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/members': {
    actions: ['agent_member.added'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      return call(w.admin)({
        method: 'POST',
        url: ag(w, '/members'),
        payload: { userId: m.id, role: 'agent_user' },
      });
    },
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/members/:userId': {
    actions: ['agent_member.role_changed'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      await addAgentMember(ctx.app, w.admin, w.workspaceId, w.agentId, m);
      return call(w.admin)({
        method: 'PATCH',
        url: ag(w, `/members/${m.id}`),
        payload: { role: 'agent_admin' },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/agents/:agentId/members/:userId': {
    actions: ['agent_member.removed'],
    run: async (w, call) => {
      const m = await addMember(ctx.app, w.admin, w.workspaceId);
      await addAgentMember(ctx.app, w.admin, w.workspaceId, w.agentId, m);
      return call(w.admin)({ method: 'DELETE', url: ag(w, `/members/${m.id}`) });
    },
  },

  // --- presets, policies, invitations, API keys ---
  'POST /v1/workspaces/:workspaceId/presets': {
    actions: ['preset.created'],
    run: (w, call) =>
      call(w.admin)({
        method: 'POST',
        url: ws(w, '/presets'),
        payload: { name: `Preset ${randomBytes(3).toString('hex')}`, matrix: { build: 'read' } },
      }),
  },
  'PATCH /v1/workspaces/:workspaceId/presets/:id': {
    actions: ['preset.updated'],
    run: async (w, call) => {
      const p = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ws(w, '/presets'),
          payload: { name: `Preset ${randomBytes(3).toString('hex')}`, matrix: { build: 'read' } },
        }),
      );
      return call(w.admin)({
        method: 'PATCH',
        url: ws(w, `/presets/${p.id}`),
        payload: { matrix: { build: 'edit' } },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/presets/:id': {
    actions: ['preset.deleted'],
    run: async (w, call) => {
      const p = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ws(w, '/presets'),
          payload: { name: `Preset ${randomBytes(3).toString('hex')}`, matrix: { build: 'read' } },
        }),
      );
      return call(w.admin)({ method: 'DELETE', url: ws(w, `/presets/${p.id}`) });
    },
  },
  'PUT /v1/workspaces/:workspaceId/policies': {
    actions: ['policies.updated'],
    run: (w, call) =>
      call(w.admin)({
        method: 'PUT',
        url: ws(w, '/policies'),
        payload: { named: ['embedding_disabled'], caps: [] },
      }),
  },
  'POST /v1/workspaces/:workspaceId/invitations': {
    actions: ['invitation.created'],
    run: (w, call) =>
      call(w.admin)({ method: 'POST', url: ws(w, '/invitations'), payload: { emails: [email()] } }),
  },
  'POST /v1/workspaces/:workspaceId/invitations/:id/resend': {
    actions: ['invitation.resent'],
    run: async (w, call) => {
      const inv = await invite(w, email());
      return call(w.admin)({ method: 'POST', url: ws(w, `/invitations/${inv}/resend`) });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/invitations/:id': {
    actions: ['invitation.revoked'],
    run: async (w, call) => {
      const inv = await invite(w, email());
      return call(w.admin)({ method: 'DELETE', url: ws(w, `/invitations/${inv}`) });
    },
  },
  // Accepting as a new person: the account (global chain), then the acceptance and the membership.
  'POST /v1/invitations/accept': {
    actions: ['auth.signed_up', 'invitation.accepted', 'member.added'],
    run: async (w, call) => {
      const address = email();
      await invite(w, address);
      const token = await tokenFromMail(address, 'invitation');
      return call(null)({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, name: 'Invited Person', password: `invited horse ${randomUUID()}` },
      });
    },
  },
  'POST /v1/me/invitations/:id/accept': {
    actions: ['invitation.accepted', 'member.added'],
    run: async (w, call) => {
      const address = email();
      await invite(w, address);
      const user = await createUser(ctx.app, { email: address });
      const mine = (await ok(as(ctx.app, user)({ method: 'GET', url: '/v1/me/invitations' }))) as {
        invitations: { id: string }[];
      };
      const id = mine.invitations[0]?.id;
      if (!id) throw new Error('no pending invitation for the new account');
      return call(user)({ method: 'POST', url: `/v1/me/invitations/${id}/accept` });
    },
  },
  'POST /v1/workspaces/:workspaceId/api-keys': {
    actions: ['api_key.created'],
    run: (w, call) =>
      call(w.admin)({
        method: 'POST',
        url: ws(w, '/api-keys'),
        payload: { name: 'CI key', presetId: 'read_only_reviewer' },
      }),
  },
  'DELETE /v1/workspaces/:workspaceId/api-keys/:id': {
    actions: ['api_key.revoked'],
    run: async (w, call) => {
      const key = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ws(w, '/api-keys'),
          payload: { name: 'Doomed key', presetId: 'read_only_reviewer' },
        }),
      );
      const id = (key.apiKey as { id: string } | undefined)?.id ?? key.id;
      return call(w.admin)({ method: 'DELETE', url: ws(w, `/api-keys/${id}`) });
    },
  },
  'POST /v1/workspaces/:workspaceId/api-keys/:id/transfer': {
    actions: ['api_key.transferred'],
    run: async (w, call) => {
      const key = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ws(w, '/api-keys'),
          payload: { name: 'Service key', presetId: 'read_only_reviewer' },
        }),
      );
      const id = (key.apiKey as { id: string }).id;
      return call(w.admin)({
        method: 'POST',
        url: ws(w, `/api-keys/${id}/transfer`),
        payload: { confirm: 'Service key' },
      });
    },
  },

  // --- agent resources ---
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/settings/persona': {
    actions: ['agent.persona_updated'],
    run: (w, call) =>
      call(w.admin)({ method: 'PATCH', url: ag(w, '/settings/persona'), payload: { persona: 'Helpful.' } }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/settings/branding': {
    actions: ['agent.branding_updated'],
    run: (w, call) =>
      call(w.admin)({
        method: 'PATCH',
        url: ag(w, '/settings/branding'),
        payload: { primaryColor: '#112233' },
      }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/settings/privacy': {
    actions: ['agent.privacy_updated'],
    run: (w, call) =>
      call(w.admin)({ method: 'PATCH', url: ag(w, '/settings/privacy'), payload: { piiRedaction: true } }),
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/data-sources': {
    actions: ['data_source.added'],
    run: (w, call) =>
      call(w.admin)({
        method: 'POST',
        url: ag(w, '/data-sources'),
        payload: { name: 'FAQ', kind: 'url', location: 'https://example.com/faq' },
      }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/data-sources/:id': {
    actions: ['data_source.updated'],
    run: async (w, call) => {
      const ds = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ag(w, '/data-sources'),
          payload: { name: 'Docs', kind: 'url', location: 'https://example.com/docs' },
        }),
      );
      return call(w.admin)({
        method: 'PATCH',
        url: ag(w, `/data-sources/${ds.id}`),
        payload: { status: 'ready' },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/agents/:agentId/data-sources/:id': {
    actions: ['data_source.removed'],
    run: async (w, call) => {
      const ds = await ok(
        as(
          ctx.app,
          w.admin,
        )({
          method: 'POST',
          url: ag(w, '/data-sources'),
          payload: { name: 'Old', kind: 'url', location: 'https://example.com/old' },
        }),
      );
      return call(w.admin)({ method: 'DELETE', url: ag(w, `/data-sources/${ds.id}`) });
    },
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/feedback': {
    actions: ['feedback.created'],
    run: (w, call) => call(w.admin)({ method: 'POST', url: ag(w, '/feedback'), payload: { rating: 'up' } }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/feedback/:id': {
    actions: ['feedback.resolved'],
    run: async (w, call) => {
      const fb = await ok(
        as(ctx.app, w.admin)({ method: 'POST', url: ag(w, '/feedback'), payload: { rating: 'down' } }),
      );
      return call(w.admin)({
        method: 'PATCH',
        url: ag(w, `/feedback/${fb.id}`),
        payload: { resolved: true },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/conversations': {
    actions: ['conversation.ingested'],
    run: (w, call) =>
      call(w.admin)({
        method: 'POST',
        url: ag(w, '/conversations'),
        payload: {
          externalId: `conv-${randomBytes(4).toString('hex')}`,
          startedAt: new Date().toISOString(),
          messages: [{ role: 'user', text: 'Hello' }],
        },
      }),
  },
  'POST /v1/workspaces/:workspaceId/agents/:agentId/share-links': {
    actions: ['share_link.created'],
    run: (w, call) =>
      call(w.admin)({ method: 'POST', url: ag(w, '/share-links'), payload: { name: 'Site' } }),
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/share-links/:id': {
    actions: ['share_link.updated'],
    run: async (w, call) => {
      const link = await ok(
        as(ctx.app, w.admin)({ method: 'POST', url: ag(w, '/share-links'), payload: { name: 'Site' } }),
      );
      return call(w.admin)({
        method: 'PATCH',
        url: ag(w, `/share-links/${link.id}`),
        payload: { enabled: false },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/agents/:agentId/share-links/:id': {
    actions: ['share_link.deleted'],
    run: async (w, call) => {
      const link = await ok(
        as(ctx.app, w.admin)({ method: 'POST', url: ag(w, '/share-links'), payload: { name: 'Old site' } }),
      );
      return call(w.admin)({ method: 'DELETE', url: ag(w, `/share-links/${link.id}`) });
    },
  },

  // --- billing ---
  'PATCH /v1/workspaces/:workspaceId/billing': {
    actions: ['billing.details_updated'],
    run: (w, call) =>
      call(w.admin)({ method: 'PATCH', url: ws(w, '/billing'), payload: { orgName: 'Acme Inc.' } }),
  },
  'POST /v1/workspaces/:workspaceId/payment-methods': {
    actions: ['payment_method.added'],
    run: (w, call) => call(w.admin)({ method: 'POST', url: ws(w, '/payment-methods'), payload: card() }),
  },
  'POST /v1/workspaces/:workspaceId/payment-methods/:id/default': {
    actions: ['payment_method.default_set'],
    run: async (w, call) => {
      const pm = await addCard(w);
      return call(w.admin)({ method: 'POST', url: ws(w, `/payment-methods/${pm}/default`) });
    },
  },
  'PATCH /v1/workspaces/:workspaceId/payment-methods/:id': {
    actions: ['payment_method.updated'],
    run: async (w, call) => {
      const pm = await addCard(w);
      return call(w.admin)({
        method: 'PATCH',
        url: ws(w, `/payment-methods/${pm}`),
        payload: { expYear: 2031 },
      });
    },
  },
  'DELETE /v1/workspaces/:workspaceId/payment-methods/:id': {
    actions: ['payment_method.removed'],
    run: async (w, call) => {
      const pm = await addCard(w);
      return call(w.admin)({ method: 'DELETE', url: ws(w, `/payment-methods/${pm}`) });
    },
  },
  'PATCH /v1/workspaces/:workspaceId/agents/:agentId/subscription': {
    actions: ['agent.plan_changed'],
    run: async (w, call) => {
      await addCard(w);
      const agent = await createAgent(ctx.app, w.admin, w.workspaceId);
      return call(w.admin)({
        method: 'PATCH',
        url: ws(w, `/agents/${agent.id}/subscription`),
        payload: { plan: 'pro' },
      });
    },
  },
  'PUT /v1/workspaces/:workspaceId/agents/:agentId/payment-method': {
    actions: ['subscription.payment_method_attached'],
    run: async (w, call) => {
      const pm = await addCard(w);
      return call(w.admin)({
        method: 'PUT',
        url: ag(w, '/payment-method'),
        payload: { paymentMethodId: pm },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/invoices': {
    actions: ['invoice.issued'],
    run: (w, call) =>
      call(w.admin)({ method: 'POST', url: ws(w, '/invoices'), payload: { period: '2026-01' } }),
  },

  // --- help center ---
  'POST /v1/workspaces/:workspaceId/tickets': {
    actions: ['ticket.created'],
    run: (w, call) =>
      call(w.member)({
        method: 'POST',
        url: ws(w, '/tickets'),
        payload: { subject: 'Help', body: 'Please.' },
      }),
  },
  'PATCH /v1/workspaces/:workspaceId/tickets/:id': {
    actions: ['ticket.status_changed'],
    run: async (w, call) => {
      const t = await ok(
        as(
          ctx.app,
          w.member,
        )({ method: 'POST', url: ws(w, '/tickets'), payload: { subject: 'Help', body: 'Please.' } }),
      );
      return call(w.admin)({
        method: 'PATCH',
        url: ws(w, `/tickets/${t.id}`),
        payload: { status: 'closed' },
      });
    },
  },
  'POST /v1/workspaces/:workspaceId/tickets/:id/comments': {
    actions: ['ticket.commented'],
    run: async (w, call) => {
      const t = await ok(
        as(
          ctx.app,
          w.member,
        )({ method: 'POST', url: ws(w, '/tickets'), payload: { subject: 'Help', body: 'Please.' } }),
      );
      return call(w.admin)({
        method: 'POST',
        url: ws(w, `/tickets/${t.id}/comments`),
        payload: { body: 'On it.' },
      });
    },
  },
};

function card() {
  return { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', holderName: 'Ada' };
}

async function addCard(w: World): Promise<string> {
  const pm = await ok(
    as(ctx.app, w.admin)({ method: 'POST', url: ws(w, '/payment-methods'), payload: card() }),
  );
  const id = (pm.paymentMethod as { id?: string } | undefined)?.id ?? pm.id;
  if (typeof id !== 'string') throw new Error(`payment method has no id: ${JSON.stringify(pm)}`);
  return id;
}

async function invite(w: World, address: string): Promise<string> {
  const res = await ok(
    as(ctx.app, w.admin)({ method: 'POST', url: ws(w, '/invitations'), payload: { emails: [address] } }),
  );
  const id = (res.results as { invitationId?: string }[] | undefined)?.[0]?.invitationId;
  if (!id) throw new Error(`invitation not created: ${JSON.stringify(res)}`);
  return id;
}

async function documentedActions(): Promise<Set<string>> {
  const text = await readFile(path.resolve(import.meta.dirname, '../../../../../docs/activity.md'), 'utf8');
  return new Set([...text.matchAll(/^\|\s*`([a-z0-9_.]+)`\s*\|/gm)].map((m) => m[1] ?? ''));
}

function mutatingRoutes(): string[] {
  return ctx.app.routeTable.filter((r) => MUTATING.has(r.method)).map((r) => `${r.method} ${r.url}`);
}

describe('every mutating route writes exactly its documented activity entry', () => {
  let documented: Set<string>;
  beforeAll(async () => {
    shared = await newWorld();
    documented = await documentedActions();
  });

  it('has a scenario for every mutating route of the route table', () => {
    const missing = mutatingRoutes().filter((r) => !SCENARIOS[r] && !NOT_A_CHANGE[r]);
    expect(missing, 'add a scenario to modules/activity/coverage.test.ts for each of these routes').toEqual(
      [],
    );
    const stale = Object.keys(SCENARIOS).filter((k) => !mutatingRoutes().includes(k));
    expect(stale, 'scenarios for routes that no longer exist').toEqual([]);
  });

  it.each(Object.entries(SCENARIOS))('%s', async (route, scenario) => {
    if (!mutatingRoutes().includes(route)) return; // reported by the test above
    const requestId = `cov-${randomUUID()}`;
    const call = (who: TestUser | null): Call => {
      const base = who ? as(ctx.app, who) : (o: InjectOptions) => ctx.app.inject(o);
      return (opts) =>
        base({
          ...opts,
          headers: { ...((opts.headers as Record<string, string>) ?? {}), 'x-request-id': requestId },
        });
    };
    const res = await scenario.run(shared, call);
    expect(res.statusCode, `${route} answered ${res.statusCode}: ${res.body}`).toBeLessThan(300);
    const entries = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'workspace_id', 'actor_type'])
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    expect(
      entries.map((e) => e.action),
      `${route} should write ${scenario.actions.join(', ')}; it wrote ${entries.map((e) => e.action).join(', ') || 'nothing'}`,
    ).toEqual(scenario.actions);
    for (const e of entries)
      expect(documented.has(e.action), `${e.action} is not in docs/activity.md`).toBe(true);
  });

  it('writes nothing for the read-only decision routes', async () => {
    const requestId = `cov-${randomUUID()}`;
    const res = await as(
      ctx.app,
      shared.admin,
    )({
      method: 'POST',
      url: '/v1/check',
      headers: { 'x-request-id': requestId },
      payload: {
        workspaceId: shared.workspaceId,
        subject: { userId: shared.member.id },
        permission: 'build.knowledge',
        level: 'read',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const n = await ctx.app.db
      .selectFrom('activity_log')
      .select('id')
      .where('request_id', '=', requestId)
      .execute();
    expect(n).toEqual([]);
  });
});
