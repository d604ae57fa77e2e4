import type { FastifyInstance } from 'fastify';
import { generateApiKey } from '../src/auth/api-keys';
import { bumpRevision } from '../src/command/revision';
import type { AgentPlan, AgentStatus, MatrixJson } from '../src/db/schema';
import { createUser, type TestUser } from './factories';

/**
 * Test set-up for the issue-7 modules: a workspace with the people of seed
 * 004 (workspace admin, agent admin, agent user, plain member). Users sign up
 * through the real API; memberships, agents and policies are written in one
 * transaction with a revision bump, exactly as the access writes do, so the
 * guard sees them at once. (The workspaces module owns the routes that make
 * these; these tests are about what happens afterwards.)
 */

export interface Cast {
  workspaceId: string;
  agentId: string;
  /** Workspace admin (creator). */
  admin: TestUser;
  /** agent_admin of `agentId`, workspace role member. */
  agentAdmin: TestUser;
  /** agent_user of `agentId`, no matrix. */
  agentUser: TestUser;
  /** Workspace member with no role on the agent. */
  member: TestUser;
}

/** Adds a member (and optionally an agent role) in one access transaction. */
export async function addMember(
  app: FastifyInstance,
  workspaceId: string,
  user: TestUser,
  opts: {
    role?: 'admin' | 'member';
    matrix?: MatrixJson | null;
    agent?: { agentId: string; role: 'agent_admin' | 'agent_user'; matrix?: MatrixJson | null };
  } = {},
): Promise<void> {
  await app.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('workspace_members')
      .values({
        workspace_id: workspaceId,
        user_id: user.id,
        role: opts.role ?? 'member',
        agent_access: 'assigned',
        matrix: opts.matrix ? JSON.stringify(opts.matrix) : null,
        preset_id: null,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    if (opts.agent) {
      await tx
        .insertInto('agent_members')
        .values({
          agent_id: opts.agent.agentId,
          workspace_id: workspaceId,
          user_id: user.id,
          role: opts.agent.role,
          matrix: opts.agent.matrix ? JSON.stringify(opts.agent.matrix) : null,
          preset_id: null,
        })
        .execute();
    }
    await bumpRevision(tx, workspaceId);
  });
}

/** Creates an agent in the workspace. */
export async function addAgent(
  app: FastifyInstance,
  workspaceId: string,
  opts: { name?: string; plan?: AgentPlan; status?: AgentStatus; createdBy?: string | null } = {},
): Promise<string> {
  return app.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('agents')
      .values({
        workspace_id: workspaceId,
        name: opts.name ?? `Agent ${Math.random().toString(36).slice(2, 8)}`,
        plan: opts.plan ?? 'starter',
        status: opts.status ?? 'approved',
        created_by: opts.createdBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await bumpRevision(tx, workspaceId);
    return row.id;
  });
}

/** Switches named policies on (embedding_disabled, conversations_hidden, security_enforced). */
export async function setPolicies(app: FastifyInstance, workspaceId: string, named: string[]): Promise<void> {
  await app.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('workspace_policies')
      .values({ workspace_id: workspaceId, named: JSON.stringify(named) })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ named: JSON.stringify(named) }))
      .execute();
    await bumpRevision(tx, workspaceId);
  });
}

/** An API key of the workspace with its own matrix; returns the secret. */
export async function addApiKey(
  app: FastifyInstance,
  workspaceId: string,
  matrix: MatrixJson,
  agentId: string | null = null,
): Promise<string> {
  const key = generateApiKey();
  await app.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('api_keys')
      .values({
        workspace_id: workspaceId,
        name: 'agent platform',
        prefix: key.prefix,
        secret_hash: key.hash,
        matrix: JSON.stringify(matrix),
        preset_id: null,
        agent_id: agentId,
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
        created_by: null,
        // Owned by the workspace, not bound to a creator (docs/rules.md §4 "API keys").
        service_key: true,
      })
      .execute();
    await bumpRevision(tx, workspaceId);
  });
  return key.secret;
}

/**
 * A fresh workspace with seed 004's cast around one agent (default: a paid,
 * approved `pro` agent created by the agent admin).
 */
export async function createCast(
  app: FastifyInstance,
  agentOpts: { plan?: AgentPlan; status?: AgentStatus } = {},
): Promise<Cast> {
  const [admin, agentAdmin, agentUser, member] = await Promise.all([
    createUser(app, { name: 'Wanda Admin' }),
    createUser(app, { name: 'Alex AgentAdmin' }),
    createUser(app, { name: 'Uma AgentUser' }),
    createUser(app, { name: 'Max Member' }),
  ]);
  const workspaceId = await app.db.transaction().execute(async (tx) => {
    const ws = await tx
      .insertInto('workspaces')
      .values({ name: `Acme ${Math.random().toString(36).slice(2, 8)}`, created_by: admin.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('workspace_members')
      .values({
        workspace_id: ws.id,
        user_id: admin.id,
        role: 'admin',
        agent_access: 'all',
        matrix: null,
        preset_id: null,
      })
      .execute();
    return ws.id;
  });
  const agentId = await addAgent(app, workspaceId, {
    name: 'Support Bot',
    plan: agentOpts.plan ?? 'pro',
    status: agentOpts.status ?? 'approved',
    createdBy: agentAdmin.id,
  });
  await addMember(app, workspaceId, agentAdmin, { agent: { agentId, role: 'agent_admin' } });
  await addMember(app, workspaceId, agentUser, { agent: { agentId, role: 'agent_user' } });
  await addMember(app, workspaceId, member);
  return { workspaceId, agentId, admin, agentAdmin, agentUser, member };
}
