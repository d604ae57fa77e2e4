import { describe, expect, it } from 'vitest';
import {
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
  type TestUser,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { NO_ORIGIN } from '../../audit/record';
import { runCommand } from '../../command/command';
import type { AgentPlan } from '../../db/schema';
import { updateSubscription } from '../billing/commands/subscriptions';

/**
 * One plan rule for every path that changes a plan (docs/rules.md §4 "Agents
 * and plans", §8 "Paid plans"): `PATCH …/agents/{id}` and `PATCH
 * …/agents/{id}/subscription` give the same status, revision and activity
 * for the same change. The subscription route is for workspace admins
 * (`billing.manage`); for a non-admin its command is run directly, with the
 * non-admin's scope, to show the rule is the same one — and the route
 * itself refuses them.
 */

const ctx = useTestApp();

interface Outcome {
  plan: AgentPlan;
  status: string;
  requestedBy: string | null;
  subscriptionActive: boolean;
  revisionDelta: number;
  activity: { action: string; actor: string | null; before: unknown; after: unknown }[];
}

async function revisionOf(workspaceId: string): Promise<number> {
  const row = await ctx.app.db
    .selectFrom('workspaces')
    .select('revision')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}

/** Makes the change with `change` and reports what it did to the agent, the revision and the log. */
async function outcomeOf(
  workspaceId: string,
  agentId: string,
  change: () => Promise<void>,
): Promise<Outcome> {
  const revision = await revisionOf(workspaceId);
  const seq = await ctx.app.db
    .selectFrom('activity_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  await change();
  const agent = await ctx.app.db
    .selectFrom('agents')
    .select(['plan', 'status', 'approval_requested_by'])
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  const sub = await ctx.app.db
    .selectFrom('subscriptions')
    .select('activated_at')
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
  const entries = await ctx.app.db
    .selectFrom('activity_log')
    .select(['action', 'actor_id', 'agent_id', 'before', 'after'])
    .where('workspace_id', '=', workspaceId)
    .where('seq', '>', Number(seq.seq ?? 0))
    .orderBy('seq')
    .execute();
  return {
    plan: agent.plan,
    status: agent.status,
    requestedBy: agent.approval_requested_by,
    subscriptionActive: Boolean(sub?.activated_at),
    revisionDelta: (await revisionOf(workspaceId)) - revision,
    activity: entries.map((e) => {
      expect(e.agent_id).toBe(agentId);
      return { action: e.action, actor: e.actor_id, before: e.before, after: e.after };
    }),
  };
}

/** The agents route. */
function viaAgents(who: TestUser, workspaceId: string, agentId: string, plan: AgentPlan) {
  return async () => {
    const res = await as(
      ctx.app,
      who,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${workspaceId}/agents/${agentId}`,
      payload: { plan },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json<{ revision: number }>(res).revision).toBe(await revisionOf(workspaceId));
  };
}

/** The subscription route (workspace admins). */
function viaSubscription(who: TestUser, workspaceId: string, agentId: string, plan: AgentPlan) {
  return async () => {
    const res = await as(
      ctx.app,
      who,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${workspaceId}/agents/${agentId}/subscription`,
      payload: { plan },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
}

/** The subscription route's command, run with `who`'s scope (the route refuses a non-admin). */
function viaSubscriptionCommand(who: TestUser, workspaceId: string, agentId: string, plan: AgentPlan) {
  return async () => {
    const state = await ctx.app.accessState.get(workspaceId);
    await runCommand(
      ctx.app.commands,
      {
        workspaceId,
        actor: { type: 'user', id: who.id, name: who.name },
        subject: { userId: who.id },
        origin: NO_ORIGIN,
        state,
      },
      updateSubscription,
      { agentId, patch: { plan } },
    );
  };
}

/** Two agents in the same state, created by `creator` on `initial`. */
async function twins(creator: TestUser, workspaceId: string, initial: AgentPlan) {
  const a = await createAgent(ctx.app, creator, workspaceId, { plan: initial });
  const b = await createAgent(ctx.app, creator, workspaceId, { plan: initial });
  return [a.id, b.id] as const;
}

describe('one plan rule for both plan routes', () => {
  it('a workspace admin: a paid plan is approved at once and its subscription starts', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const [a, b] = await twins(admin, ws.id, 'starter');
    const first = await outcomeOf(ws.id, a, viaAgents(admin, ws.id, a, 'pro'));
    const second = await outcomeOf(ws.id, b, viaSubscription(admin, ws.id, b, 'pro'));
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      plan: 'pro',
      status: 'approved',
      requestedBy: null,
      subscriptionActive: true,
      revisionDelta: 0,
      activity: [
        {
          action: 'agent.plan_changed',
          actor: admin.id,
          before: { plan: 'starter', status: 'approved' },
          after: { plan: 'pro', status: 'approved' },
        },
      ],
    });
  });

  it('a workspace admin: Starter is approved at once, even for an agent waiting for approval', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const [a, b] = await twins(m, ws.id, 'pro');
    const first = await outcomeOf(ws.id, a, viaAgents(admin, ws.id, a, 'starter'));
    const second = await outcomeOf(ws.id, b, viaSubscription(admin, ws.id, b, 'starter'));
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      plan: 'starter',
      status: 'approved',
      requestedBy: null,
      subscriptionActive: false,
      revisionDelta: 0,
      activity: [
        {
          action: 'agent.plan_changed',
          before: { plan: 'pro', status: 'pending_approval' },
          after: { plan: 'starter', status: 'approved' },
        },
      ],
    });
  });

  it('a non-admin: a paid plan waits for approval, naming who asked; the subscription starts on approval', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const [a, b] = await twins(m, ws.id, 'starter');
    const first = await outcomeOf(ws.id, a, viaAgents(m, ws.id, a, 'enterprise'));
    const second = await outcomeOf(ws.id, b, viaSubscriptionCommand(m, ws.id, b, 'enterprise'));
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      plan: 'enterprise',
      status: 'pending_approval',
      requestedBy: m.id,
      subscriptionActive: false,
      revisionDelta: 0,
      activity: [
        {
          action: 'agent.plan_changed',
          actor: m.id,
          before: { plan: 'starter', status: 'approved' },
          after: { plan: 'enterprise', status: 'pending_approval' },
        },
      ],
    });
    // The subscription route itself is for workspace admins only.
    const refused = await as(
      ctx.app,
      m,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/agents/${b}/subscription`,
      payload: { plan: 'pro' },
    });
    expect(refused.statusCode).toBe(403);
    // Approval activates the subscription (billing's view reads it from the agent).
    for (const id of [a, b]) {
      const ok = await as(
        ctx.app,
        admin,
      )({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents/${id}/approve` });
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const subs = json<{ subscriptions: { agentId: string; status: string; activatedAt: string | null }[] }>(
      await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/subscriptions` }),
    ).subscriptions;
    expect(subs.filter((s) => s.agentId === a || s.agentId === b).map((s) => s.status)).toEqual([
      'active',
      'active',
    ]);
    expect(subs.every((s) => s.activatedAt !== null)).toBe(true);
  });

  it('a non-admin: Starter is approved at once', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const [a, b] = await twins(m, ws.id, 'pro');
    const first = await outcomeOf(ws.id, a, viaAgents(m, ws.id, a, 'starter'));
    const second = await outcomeOf(ws.id, b, viaSubscriptionCommand(m, ws.id, b, 'starter'));
    expect(first).toEqual(second);
    expect(first).toMatchObject({
      plan: 'starter',
      status: 'approved',
      requestedBy: null,
      subscriptionActive: false,
      revisionDelta: 0,
      activity: [
        {
          action: 'agent.plan_changed',
          actor: m.id,
          before: { plan: 'pro', status: 'pending_approval' },
          after: { plan: 'starter', status: 'approved' },
        },
      ],
    });
  });
});
