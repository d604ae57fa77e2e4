import { defineCommand } from '../../command/command';
import { DEMO_ACCOUNTS, DEMO_AGENT_ROLES, DEMO_AGENTS, DEMO_WORKSPACE_NAME, type DemoAccount } from './data';
import {
  insertAgentRoles,
  insertAgents,
  insertMembers,
  insertPolicies,
  insertWorkspace,
  upsertVerifiedUser,
} from './repo';

/**
 * Creates the demo workspace of data.ts: its accounts (verified, with the
 * given password hash), the workspace, memberships, agents and agent roles,
 * and records `workspace.seeded` in the new workspace's chain. Run in the
 * system's scope without a workspace (it does not exist yet); the new
 * workspace is named with `touchWorkspace`, so its revision is bumped.
 */
export const seedDemoWorkspace = defineCommand({
  name: 'demo.seed_workspace',
  actions: ['workspace.seeded'],
  async run(ctx, { passwordHash }: { passwordHash: string }) {
    const now = new Date();
    const users: { account: DemoAccount; user: { id: string; name: string; email: string } }[] = [];
    for (const account of DEMO_ACCOUNTS) {
      users.push({ account, user: await upsertVerifiedUser(ctx.tx, account, passwordHash, now) });
    }
    const admin = users.find((u) => u.account.role === 'admin')?.user;
    if (!admin) throw new Error('the demo data set has no admin');
    const workspaceId = await insertWorkspace(ctx.tx, DEMO_WORKSPACE_NAME, admin.id);
    ctx.touchWorkspace(workspaceId);
    await insertMembers(
      ctx.tx,
      workspaceId,
      users.map(({ account, user }) => ({ userId: user.id, account })),
    );
    const agents = await insertAgents(ctx.tx, workspaceId, DEMO_AGENTS, admin.id);
    const agentId = (name: string) => {
      const agent = agents.find((a) => a.name === name);
      if (!agent) throw new Error(`the demo data set names an unknown agent ${name}`);
      return agent.id;
    };
    const userId = (email: string) => {
      const found = users.find((u) => u.user.email === email);
      if (!found) throw new Error(`the demo data set names an unknown account ${email}`);
      return found.user.id;
    };
    await insertAgentRoles(ctx.tx, workspaceId, [
      ...agents.map((a) => ({
        agentId: a.id,
        userId: admin.id,
        role: 'agent_admin' as const,
        presetId: null,
      })),
      ...DEMO_AGENT_ROLES.map((r) => ({
        agentId: agentId(r.agent),
        userId: userId(r.email),
        role: r.role,
        presetId: r.presetId,
      })),
    ]);
    await insertPolicies(ctx.tx, workspaceId);
    await ctx.record({
      workspaceId,
      action: 'workspace.seeded',
      target: { type: 'workspace', id: workspaceId },
      after: {
        name: DEMO_WORKSPACE_NAME,
        members: users.map((u) => u.user.email),
        agents: agents.map((a) => a.name),
      },
    });
    return { workspaceId };
  },
});
