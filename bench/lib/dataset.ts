/**
 * Seeded synthetic dataset for the decision benchmark: 100 workspaces × 20
 * agents, 10,000 users with 1–3 workspace memberships each, agent roles,
 * random matrices, built-in and custom presets, API keys and caps.
 */
import {
  AREAS,
  BUILTIN_PRESET_IDS,
  type Cap,
  capsFromPolicies,
  type Grant,
  LEVELS,
  type Level,
  type Matrix,
  NAMED_POLICIES,
  PERMISSIONS,
  type Permission,
  type Subject,
  setArea,
  setItem,
  type WorkspaceState,
} from '@atrium/policy';

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DatasetOptions {
  seed: number;
  workspaces: number;
  agentsPerWorkspace: number;
  users: number;
  keysPerWorkspace: number;
  customPresetsPerWorkspace: number;
}

const DEFAULT_OPTIONS: DatasetOptions = {
  seed: 20240611,
  workspaces: 100,
  agentsPerWorkspace: 20,
  users: 10_000,
  keysPerWorkspace: 5,
  customPresetsPerWorkspace: 3,
};

export interface Dataset {
  states: Map<string, WorkspaceState>;
  workspaceIds: string[];
  userIds: string[];
  /** Count of workspace memberships, agent memberships, keys. */
  counts: { members: number; agentMembers: number; apiKeys: number; caps: number };
}

export function randomMatrix(rand: () => number): Matrix {
  let m: Matrix = {};
  for (const area of AREAS) {
    const x = rand();
    if (x < 0.4) continue;
    m = setArea(m, area, x < 0.75 ? 'read' : 'edit');
  }
  const overrides = Math.floor(rand() * 4);
  for (let i = 0; i < overrides; i++) {
    m = setItem(m, pick(rand, PERMISSIONS), pick(rand, LEVELS));
  }
  return m;
}

export function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function randomGrant(rand: () => number, customIds: readonly string[]): Grant {
  const x = rand();
  if (x < 0.4) return { presetId: pick(rand, BUILTIN_PRESET_IDS) };
  if (x < 0.55) return { presetId: pick(rand, customIds) };
  if (x < 0.9) return { matrix: randomMatrix(rand) };
  return {};
}

export function buildDataset(opts: DatasetOptions = DEFAULT_OPTIONS): Dataset {
  const rand = prng(opts.seed);
  const workspaceIds = Array.from(
    { length: opts.workspaces },
    (_, i) => `ws_${i.toString(36).padStart(4, '0')}`,
  );
  const userIds = Array.from(
    { length: opts.users },
    (_, i) => `usr_${(i * 7919).toString(36).padStart(6, '0')}`,
  );
  type Mutable = {
    members: Map<
      string,
      { userId: string; role: 'admin' | 'member'; agentAccess: 'all' | 'assigned'; grant: Grant }
    >;
    agents: Map<
      string,
      {
        agentId: string;
        members: Map<string, { userId: string; role: 'agent_admin' | 'agent_user'; grant: Grant }>;
      }
    >;
    customIds: string[];
  };
  const draft = new Map<string, Mutable>();
  const states = new Map<string, WorkspaceState>();
  let caps = 0;
  let apiKeys = 0;
  const customByWs = new Map<string, Map<string, Matrix>>();
  for (const ws of workspaceIds) {
    const customIds = Array.from({ length: opts.customPresetsPerWorkspace }, (_, i) => `${ws}_preset_${i}`);
    customByWs.set(ws, new Map(customIds.map((id) => [id, randomMatrix(rand)])));
    const agents = new Map(
      Array.from({ length: opts.agentsPerWorkspace }, (_, j) => {
        const agentId = `${ws}_agent_${j.toString(36)}`;
        return [agentId, { agentId, members: new Map() }] as const;
      }),
    );
    draft.set(ws, { members: new Map(), agents, customIds });
  }
  let members = 0;
  let agentMembers = 0;
  for (const userId of userIds) {
    const n = 1 + Math.floor(rand() * 3);
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(pick(rand, workspaceIds));
    for (const ws of chosen) {
      const d = draft.get(ws)!;
      const role = rand() < 0.05 ? 'admin' : 'member';
      d.members.set(userId, {
        userId,
        role,
        agentAccess: rand() < 0.25 ? 'all' : 'assigned',
        grant: randomGrant(rand, d.customIds),
      });
      members++;
      const agentRoles = Math.floor(rand() * 4);
      const agentIds = [...d.agents.keys()];
      for (let k = 0; k < agentRoles; k++) {
        const agent = d.agents.get(pick(rand, agentIds))!;
        agent.members.set(userId, {
          userId,
          role: rand() < 0.15 ? 'agent_admin' : 'agent_user',
          grant: randomGrant(rand, d.customIds),
        });
      }
    }
  }
  for (const ws of workspaceIds) {
    const d = draft.get(ws)!;
    const agentIds = [...d.agents.keys()];
    for (const a of d.agents.values()) agentMembers += a.members.size;
    const generic: Cap[] = [];
    const nGeneric = Math.floor(rand() * 4);
    for (let i = 0; i < nGeneric; i++) {
      generic.push({
        permission: pick(rand, PERMISSIONS),
        maxLevel: rand() < 0.5 ? 'read' : 'none',
        agentId: rand() < 0.5 ? pick(rand, agentIds) : null,
        source: `cap:${ws}_${i}`,
      });
    }
    const wsCaps = capsFromPolicies(
      NAMED_POLICIES.filter(() => rand() < 0.4),
      generic,
    );
    caps += wsCaps.length;
    const keys = new Map(
      Array.from({ length: opts.keysPerWorkspace }, (_, i) => {
        const apiKeyId = `${ws}_key_${i}`;
        return [
          apiKeyId,
          {
            apiKeyId,
            grant: randomGrant(rand, d.customIds),
            agentId: rand() < 0.5 ? pick(rand, agentIds) : null,
          },
        ] as const;
      }),
    );
    apiKeys += keys.size;
    states.set(ws, {
      workspaceId: ws,
      revision: 1,
      members: d.members,
      agents: d.agents,
      apiKeys: keys,
      presets: customByWs.get(ws)!,
      caps: wsCaps,
    });
  }
  return { states, workspaceIds, userIds, counts: { members, agentMembers, apiKeys, caps } };
}

/** A batch of random (not grouped) checks as parallel arrays. */
export interface Checks {
  n: number;
  ws: string[];
  subject: Subject[];
  agent: (string | null)[];
  permission: Permission[];
  need: Level[];
}

/**
 * Random checks: 85% a member of the workspace, 5% a user of another
 * workspace, 10% an API key; agent null 20%, an agent of the workspace 75%,
 * an unknown agent 5%; need read or edit.
 */
export function buildChecks(data: Dataset, n: number, seed: number): Checks {
  const rand = prng(seed);
  const c: Checks = { n, ws: [], subject: [], agent: [], permission: [], need: [] };
  const memberIds = new Map([...data.states].map(([ws, s]) => [ws, [...s.members.keys()]]));
  const keyIds = new Map([...data.states].map(([ws, s]) => [ws, [...s.apiKeys.keys()]]));
  const agentIds = new Map([...data.states].map(([ws, s]) => [ws, [...s.agents.keys()]]));
  // Subjects are shared objects (as a request would carry one per caller).
  const userSubjects = new Map(data.userIds.map((userId) => [userId, { userId }]));
  const keySubjects = new Map([...keyIds.values()].flat().map((apiKeyId) => [apiKeyId, { apiKeyId }]));
  for (let i = 0; i < n; i++) {
    const ws = pick(rand, data.workspaceIds);
    const x = rand();
    const subject: Subject =
      x < 0.85
        ? userSubjects.get(pick(rand, memberIds.get(ws)!))!
        : x < 0.9
          ? userSubjects.get(pick(rand, data.userIds))!
          : keySubjects.get(pick(rand, keyIds.get(ws)!))!;
    const y = rand();
    const agent = y < 0.2 ? null : y < 0.95 ? pick(rand, agentIds.get(ws)!) : `${ws}_agent_missing`;
    c.ws.push(ws);
    c.subject.push(subject);
    c.agent.push(agent);
    c.permission.push(pick(rand, PERMISSIONS));
    c.need.push(rand() < 0.6 ? 'read' : 'edit');
  }
  return c;
}
