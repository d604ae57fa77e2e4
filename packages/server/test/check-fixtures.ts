import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { generateApiKey } from '../src/auth/api-keys';
import { bumpRevision } from '../src/command/revision';
import type { DB, MatrixJson } from '../src/db/schema';

/**
 * Test fixtures for the check module: access state written directly with SQL,
 * each change in one transaction that bumps the workspace revision (exactly
 * what the members/API-key routes do), so the cache and NOTIFY paths are the
 * real ones. Used by tests and benchmarks only.
 */

export interface SeededWorkspace {
  workspaceId: string;
  agentIds: string[];
  /** A live API key of the workspace (unscoped, no matrix). */
  apiKey: { id: string; secret: string };
  revision: number;
}

/** A user row (no password: these users only appear as check subjects). */
export async function insertUser(db: Kysely<DB>, name = 'Test user'): Promise<string> {
  const email = `u-${randomBytes(6).toString('hex')}@example.com`;
  const row = await db
    .insertInto('users')
    .values({
      email,
      name,
      password_hash: null,
      avatar_url: null,
      email_verified_at: null,
      last_active_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A workspace with `adminId` as admin, `agents` agents and one API key. */
export async function seedWorkspace(
  db: Kysely<DB>,
  opts: { adminId: string; agents?: number; name?: string },
): Promise<SeededWorkspace> {
  const key = generateApiKey();
  return db.transaction().execute(async (tx) => {
    const ws = await tx
      .insertInto('workspaces')
      .values({ name: opts.name ?? 'Check test', created_by: opts.adminId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('workspace_members')
      .values({ workspace_id: ws.id, user_id: opts.adminId, role: 'admin', agent_access: 'all' })
      .execute();
    const agentIds: string[] = [];
    for (let i = 0; i < (opts.agents ?? 1); i++) {
      const a = await tx
        .insertInto('agents')
        .values({ workspace_id: ws.id, name: `Agent ${i}`, plan: 'starter', status: 'approved' })
        .returning('id')
        .executeTakeFirstOrThrow();
      agentIds.push(a.id);
    }
    const k = await tx
      .insertInto('api_keys')
      // A service key: owned by the workspace, not bound to a creator (docs/rules.md §4 "API keys").
      .values({
        workspace_id: ws.id,
        name: 'platform backend',
        prefix: key.prefix,
        secret_hash: key.hash,
        service_key: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const revision = await bumpRevision(tx, ws.id);
    return { workspaceId: ws.id, agentIds, apiKey: { id: k.id, secret: key.secret }, revision };
  });
}

async function change<T>(db: Kysely<DB>, workspaceId: string, fn: (tx: Transaction<DB>) => Promise<T>) {
  return db.transaction().execute(async (tx) => {
    await fn(tx);
    return bumpRevision(tx, workspaceId);
  });
}

/** Adds (or replaces) a workspace membership; returns the new revision. */
export function setMember(
  db: Kysely<DB>,
  workspaceId: string,
  userId: string,
  opts: {
    role?: 'admin' | 'member';
    agentAccess?: 'all' | 'assigned';
    matrix?: MatrixJson | null;
    presetId?: string | null;
  } = {},
): Promise<number> {
  return change(db, workspaceId, async (tx) => {
    const values = {
      role: opts.role ?? 'member',
      agent_access: opts.agentAccess ?? 'assigned',
      matrix: opts.matrix ? JSON.stringify(opts.matrix) : null,
      preset_id: opts.presetId ?? null,
    };
    await tx
      .insertInto('workspace_members')
      .values({ workspace_id: workspaceId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet(values))
      .execute();
  });
}

/** Gives a member a role (and matrix) on one agent; returns the new revision. */
export function setAgentMember(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  userId: string,
  opts: { role?: 'agent_admin' | 'agent_user'; matrix?: MatrixJson | null } = {},
): Promise<number> {
  return change(db, workspaceId, async (tx) => {
    const values = {
      role: opts.role ?? 'agent_user',
      matrix: opts.matrix ? JSON.stringify(opts.matrix) : null,
    };
    await tx
      .insertInto('agent_members')
      .values({ workspace_id: workspaceId, agent_id: agentId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['agent_id', 'user_id']).doUpdateSet(values))
      .execute();
  });
}

/** Removes a member from the workspace (and its agents); returns the new revision. */
export function removeMember(db: Kysely<DB>, workspaceId: string, userId: string): Promise<number> {
  return change(db, workspaceId, async (tx) => {
    await tx
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
  });
}

/** Revokes an API key; returns the new revision. */
export function revokeApiKey(db: Kysely<DB>, workspaceId: string, apiKeyId: string): Promise<number> {
  return change(db, workspaceId, async (tx) => {
    await tx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', apiKeyId)
      .execute();
  });
}

/** Adds a generic cap; returns the new revision. */
export function addCap(
  db: Kysely<DB>,
  workspaceId: string,
  cap: { permission: string; maxLevel: 'none' | 'read' | 'edit'; agentId?: string | null },
): Promise<number> {
  return change(db, workspaceId, async (tx) => {
    await tx
      .insertInto('policy_caps')
      .values({
        id: randomUUID(),
        workspace_id: workspaceId,
        permission: cap.permission,
        max_level: cap.maxLevel,
        agent_id: cap.agentId ?? null,
      })
      .execute();
  });
}
