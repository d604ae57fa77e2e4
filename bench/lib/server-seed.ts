import { randomUUID } from 'node:crypto';
import { BUILTIN_PRESET_IDS, LEVELS, PERMISSIONS } from '@atrium/policy';
import pg from 'pg';
import { generateApiKey } from '../../packages/server/src/auth/api-keys';
import { type Database, openDatabase } from '../../packages/server/src/db';
import { migrate } from '../../packages/server/src/db/migrate';
import type { MatrixJson } from '../../packages/server/src/db/schema';

/** A throwaway PostgreSQL database for one benchmark run. */
export interface BenchDatabase {
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/** Creates and migrates `atrium_bench_<name>_<random>` on the server at `adminUrl`. */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  const dbName = `atrium_bench_${name}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  await migrate(database.db);
  return {
    url: url.toString(),
    database,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A deterministic pseudo-random generator (mulberry32), so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededBench {
  workspaceId: string;
  agentIds: string[];
  userIds: string[];
  apiKey: string;
  adminId: string;
}

function randomMatrix(rand: () => number): MatrixJson {
  const m: MatrixJson = {};
  for (const p of PERMISSIONS) {
    const r = rand();
    if (r < 0.5) continue;
    m[p] = LEVELS[r < 0.8 ? 1 : 2]!;
  }
  return m;
}

/**
 * One workspace as an agent platform's customer might have it: `users`
 * members (an admin, then members with a random preset or matrix, a third
 * with access to every agent), `agents` agents with 1–3 agent roles per
 * member, one named policy, and an unscoped API key.
 */
export async function seedBenchWorkspace(
  database: Database,
  opts: { users: number; agents: number; seed?: number },
): Promise<SeededBench> {
  const rand = rng(opts.seed ?? 42);
  const db = database.db;
  const key = generateApiKey();
  const userIds = Array.from({ length: opts.users }, () => randomUUID());
  const agentIds = Array.from({ length: opts.agents }, () => randomUUID());
  const workspaceId = randomUUID();
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < userIds.length; i += 500) {
      await tx
        .insertInto('users')
        .values(
          userIds.slice(i, i + 500).map((id, j) => ({
            id,
            email: `bench-${i + j}-${id.slice(0, 8)}@example.com`,
            name: `Bench user ${i + j}`,
            password_hash: null,
            avatar_url: null,
            email_verified_at: null,
            last_active_at: null,
          })),
        )
        .execute();
    }
    await tx
      .insertInto('workspaces')
      .values({ id: workspaceId, name: 'Bench', created_by: userIds[0]! })
      .execute();
    await tx
      .insertInto('agents')
      .values(
        agentIds.map((id, i) => ({
          id,
          workspace_id: workspaceId,
          name: `Agent ${i}`,
          plan: 'starter',
          status: 'approved',
        })),
      )
      .execute();
    const members = userIds.map((id, i) => {
      const preset = rand() < 0.5;
      return {
        workspace_id: workspaceId,
        user_id: id,
        role: i === 0 ? ('admin' as const) : ('member' as const),
        agent_access: rand() < 0.33 ? ('all' as const) : ('assigned' as const),
        preset_id: preset ? BUILTIN_PRESET_IDS[Math.floor(rand() * BUILTIN_PRESET_IDS.length)]! : null,
        matrix: preset ? null : JSON.stringify(randomMatrix(rand)),
      };
    });
    for (let i = 0; i < members.length; i += 500) {
      await tx
        .insertInto('workspace_members')
        .values(members.slice(i, i + 500))
        .execute();
    }
    const agentMembers: {
      workspace_id: string;
      agent_id: string;
      user_id: string;
      role: 'agent_admin' | 'agent_user';
      matrix: string | null;
    }[] = [];
    for (const userId of userIds.slice(1)) {
      const n = 1 + Math.floor(rand() * 3);
      const chosen = new Set<string>();
      while (chosen.size < n) chosen.add(agentIds[Math.floor(rand() * agentIds.length)]!);
      for (const agentId of chosen) {
        agentMembers.push({
          workspace_id: workspaceId,
          agent_id: agentId,
          user_id: userId,
          role: rand() < 0.1 ? 'agent_admin' : 'agent_user',
          matrix: JSON.stringify(randomMatrix(rand)),
        });
      }
    }
    for (let i = 0; i < agentMembers.length; i += 500) {
      await tx
        .insertInto('agent_members')
        .values(agentMembers.slice(i, i + 500))
        .execute();
    }
    await tx
      .insertInto('workspace_policies')
      .values({ workspace_id: workspaceId, named: JSON.stringify(['embedding_disabled']) })
      .execute();
    await tx
      .insertInto('api_keys')
      .values({
        workspace_id: workspaceId,
        name: 'bench',
        prefix: key.prefix,
        secret_hash: key.hash,
        service_key: true,
      })
      .execute();
  });
  return { workspaceId, agentIds, userIds, apiKey: key.secret, adminId: userIds[0]! };
}

/** `count` random check bodies about the seeded workspace. */
export function randomChecks(seed: SeededBench, count: number, rand = rng(7)) {
  return Array.from({ length: count }, () => ({
    workspaceId: seed.workspaceId,
    agentId: rand() < 0.8 ? seed.agentIds[Math.floor(rand() * seed.agentIds.length)]! : null,
    subject: { userId: seed.userIds[Math.floor(rand() * seed.userIds.length)]! },
    permission: PERMISSIONS[Math.floor(rand() * PERMISSIONS.length)]!,
    level: LEVELS[1 + Math.floor(rand() * 2)]!,
  }));
}
