/**
 * The same permission model in casbin: RBAC with domains, one enforcer per
 * workspace (tenant sharding — a single enforcer holding all 100 workspaces
 * would scan ~100× more policy lines per check).
 *
 * - domain: `<ws>` for workspace-wide questions, `<ws>/<agent>` for an agent;
 * - each grant (preset or matrix) is a role whose policy lines are
 *   domain-independent (`p, role, *, obj, act, allow`); edit implies read,
 *   so an edit item gives both lines;
 * - a member gets `g, user, <workspace grant role>, <ws>` and the same role
 *   in every agent domain they can access (their agent roles, or every
 *   agent with agentAccess all); `g, user, <agent grant role>, <ws>/<agent>`;
 *   agent_admin → `g, user, role:all_edit, <ws>/<agent>`; a workspace admin
 *   → `role:all_edit` in the workspace domain and every agent domain;
 * - caps are deny lines of the role `capped` (`p, capped, <dom>, obj, act,
 *   deny`), which every non-admin principal holds in each of its domains, so
 *   caps bind everyone but workspace admins;
 * - API keys are subjects `key:<id>` with their grant role in their scope.
 */
import {
  type Level,
  type Matrix,
  normalizeMatrix,
  PERMISSIONS,
  resolveGrant,
  type WorkspaceState,
} from '@atrium/policy';
import { type Enforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';

const CASBIN_MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.obj == p.obj && r.act == p.act && (p.dom == "*" || p.dom == r.dom) && g(r.sub, p.sub, r.dom)
`;

const ACTS: Record<Level, string[]> = { none: [], read: ['read'], edit: ['read', 'edit'] };

/** A function naming the role of a matrix (creating its policy lines on first use). */
export type RoleOf = (m: Readonly<Matrix>) => string;

/** Policy lines of a grant role. */
export function roleLines(role: string, m: Readonly<Matrix>): string[][] {
  const out: string[][] = [];
  for (const p of PERMISSIONS)
    for (const act of ACTS[(m[p] as Level) ?? 'none']) out.push([role, '*', p, act, 'allow']);
  return out;
}

/** The `g` lines (sub, role, domain) of one member. */
export function memberLinks(s: WorkspaceState, userId: string, roleOf: RoleOf): string[][] {
  const m = s.members.get(userId);
  if (!m) return [];
  const out: string[][] = [];
  const domains = [s.workspaceId, ...[...s.agents.keys()].map((a) => `${s.workspaceId}/${a}`)];
  if (m.role === 'admin') {
    for (const d of domains) out.push([userId, 'all_edit', d]);
    return out;
  }
  const wsRole = roleOf(resolveGrant(s, m.grant));
  out.push([userId, wsRole, s.workspaceId], [userId, 'capped', s.workspaceId]);
  for (const a of s.agents.values()) {
    const am = a.members.get(userId);
    if (!am && m.agentAccess !== 'all') continue;
    const dom = `${s.workspaceId}/${a.agentId}`;
    out.push([userId, wsRole, dom], [userId, 'capped', dom]);
    if (am)
      out.push([userId, am.role === 'agent_admin' ? 'all_edit' : roleOf(resolveGrant(s, am.grant)), dom]);
  }
  return out;
}

/** The role registry key of a matrix. */
export function matrixKey(m: Readonly<Matrix>): string {
  return JSON.stringify(normalizeMatrix(m));
}

/**
 * Policy text (CSV lines) for one workspace, and the role registry
 * (normalized matrix JSON → role name) so later updates reuse roles.
 */
export function casbinPolicy(s: WorkspaceState): { text: string; roles: Map<string, string> } {
  const lines: string[] = [];
  const roles = new Map<string, string>();
  const roleOf: RoleOf = (m) => {
    const key = matrixKey(m);
    let role = roles.get(key);
    if (!role) {
      role = `grant_${roles.size}`;
      roles.set(key, role);
      for (const l of roleLines(role, m)) lines.push(`p, ${l.join(', ')}`);
    }
    return role;
  };
  for (const p of PERMISSIONS)
    for (const act of ['read', 'edit']) lines.push(`p, all_edit, *, ${p}, ${act}, allow`);
  const agentIds = [...s.agents.keys()];
  const domains = [s.workspaceId, ...agentIds.map((a) => `${s.workspaceId}/${a}`)];
  for (const c of s.caps) {
    const denied = c.maxLevel === 'none' ? ['read', 'edit'] : c.maxLevel === 'read' ? ['edit'] : [];
    const doms =
      c.agentId == null ? domains : s.agents.has(c.agentId) ? [`${s.workspaceId}/${c.agentId}`] : [];
    for (const d of doms)
      for (const act of denied) lines.push(`p, capped, ${d}, ${c.permission}, ${act}, deny`);
  }
  for (const m of s.members.values())
    for (const l of memberLinks(s, m.userId, roleOf)) lines.push(`g, ${l.join(', ')}`);
  for (const k of s.apiKeys.values()) {
    const role = roleOf(resolveGrant(s, k.grant));
    const doms =
      k.agentId === null ? domains : s.agents.has(k.agentId) ? [`${s.workspaceId}/${k.agentId}`] : [];
    for (const d of doms)
      lines.push(`g, key:${k.apiKeyId}, ${role}, ${d}`, `g, key:${k.apiKeyId}, capped, ${d}`);
  }
  return { text: lines.join('\n'), roles };
}

/** One enforcer per workspace, loaded from its policy text. */
export async function loadCasbin(policies: Map<string, string>): Promise<Map<string, Enforcer>> {
  const out = new Map<string, Enforcer>();
  for (const [ws, text] of policies) {
    const e = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(text));
    e.enableAutoSave(false); // the StringAdapter cannot persist; changes stay in memory
    out.set(ws, e);
  }
  return out;
}

/** Policy line count (p + g) across enforcers. */
export function casbinPolicyCount(enforcers: Map<string, Enforcer>): { p: number; g: number } {
  let p = 0;
  let g = 0;
  for (const e of enforcers.values()) {
    const m = e.getModel().model;
    p += m.get('p')?.get('p')?.policy.length ?? 0;
    g += m.get('g')?.get('g')?.policy.length ?? 0;
  }
  return { p, g };
}

export function casbinDomain(ws: string, agentId: string | null): string {
  return agentId === null ? ws : `${ws}/${agentId}`;
}

export function casbinSubject(subject: { userId: string } | { apiKeyId: string }): string {
  return 'userId' in subject ? subject.userId : `key:${subject.apiKeyId}`;
}
