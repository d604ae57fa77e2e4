/**
 * The BASELINE: a plain nested-Map evaluator, the way one would write it
 * without a compiled index. Presets are resolved when loading (so it does not
 * pay for preset lookups at check time); levels are stored as strings.
 *
 *   workspaces: Map<wsId, {
 *     agents: Set<agentId>,
 *     members: Map<userId, { role, agentAccess, matrix: Map<perm, level>,
 *                             agentRoles: Map<agentId, { role, matrix: Map<perm, level> }> }>,
 *     keys: Map<keyId, { agentId, matrix: Map<perm, level> }>,
 *     caps: Map<perm, Array<{ agentId, maxLevel }>>,
 *   }>
 */
import { type Level, type Permission, resolveGrant, type Subject, type WorkspaceState } from '@atrium/policy';

type LevelMap = Map<Permission, Level>;
interface BMember {
  role: 'admin' | 'member';
  agentAccess: 'all' | 'assigned';
  matrix: LevelMap;
  agentRoles: Map<string, { role: 'agent_admin' | 'agent_user'; matrix: LevelMap }>;
}
interface BWorkspace {
  agents: Set<string>;
  members: Map<string, BMember>;
  keys: Map<string, { agentId: string | null; matrix: LevelMap }>;
  caps: Map<Permission, Array<{ agentId: string | null; maxLevel: Level }>>;
}

const RANK: Record<Level, number> = { none: 0, read: 1, edit: 2 };

function toMap(state: WorkspaceState, grant: Parameters<typeof resolveGrant>[1]): LevelMap {
  return new Map(Object.entries(resolveGrant(state, grant)) as Array<[Permission, Level]>);
}

export function buildBaseline(states: Map<string, WorkspaceState>): Map<string, BWorkspace> {
  const out = new Map<string, BWorkspace>();
  for (const [ws, s] of states) {
    const members = new Map<string, BMember>();
    for (const m of s.members.values()) {
      members.set(m.userId, {
        role: m.role,
        agentAccess: m.agentAccess,
        matrix: toMap(s, m.grant),
        agentRoles: new Map(),
      });
    }
    for (const a of s.agents.values()) {
      for (const am of a.members.values()) {
        members.get(am.userId)?.agentRoles.set(a.agentId, { role: am.role, matrix: toMap(s, am.grant) });
      }
    }
    const keys = new Map(
      [...s.apiKeys.values()].map((k) => [k.apiKeyId, { agentId: k.agentId, matrix: toMap(s, k.grant) }]),
    );
    const caps = new Map<Permission, Array<{ agentId: string | null; maxLevel: Level }>>();
    for (const c of s.caps) {
      let list = caps.get(c.permission);
      if (!list) {
        list = [];
        caps.set(c.permission, list);
      }
      list.push({ agentId: c.agentId ?? null, maxLevel: c.maxLevel });
    }
    out.set(ws, { agents: new Set(s.agents.keys()), members, keys, caps });
  }
  return out;
}

/** Whether `subject` has at least `need` on `permission` (same semantics as decide()). */
export function baselineAllows(
  index: Map<string, BWorkspace>,
  wsId: string,
  subject: Subject,
  agentId: string | null,
  permission: Permission,
  need: Level,
): boolean {
  const ws = index.get(wsId);
  if (!ws) return false;
  if (agentId !== null && !ws.agents.has(agentId)) return false;
  let level = 0;
  if ('userId' in subject) {
    const m = ws.members.get(subject.userId);
    if (!m) return false;
    if (m.role === 'admin') return true;
    level = RANK[m.matrix.get(permission) ?? 'none'];
    if (agentId !== null) {
      const ar = m.agentRoles.get(agentId);
      if (!ar && m.agentAccess !== 'all') return false;
      if (ar)
        level = ar.role === 'agent_admin' ? 2 : Math.max(level, RANK[ar.matrix.get(permission) ?? 'none']);
    }
  } else {
    const k = ws.keys.get(subject.apiKeyId);
    if (!k) return false;
    if (k.agentId !== null && k.agentId !== agentId) return false;
    level = RANK[k.matrix.get(permission) ?? 'none'];
  }
  const caps = ws.caps.get(permission);
  if (caps)
    for (const c of caps)
      if (c.agentId === null || c.agentId === agentId) level = Math.min(level, RANK[c.maxLevel]);
  return level >= RANK[need];
}
