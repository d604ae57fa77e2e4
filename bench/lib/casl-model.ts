/**
 * The same permission model in CASL: one ability per principal (user or API
 * key) holding the rules of all its memberships, the way CASL is used
 * (rules computed per user when they sign in).
 *
 * Subject type = the permission name; actions `read`/`edit` (edit implies
 * read, so an edit item gives both); conditions on `{ ws, agent }` where
 * `agent` is null for a workspace-wide question. Caps are `cannot` rules
 * after the `can` rules (CASL: later rules win) and are emitted only for
 * non-admin memberships, so they never bind workspace admins.
 */

import { type Level, PERMISSIONS, type Permission, resolveGrant, type WorkspaceState } from '@atrium/policy';
import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';

export type CaslAbility = MongoAbility<[string, string | CaslSubject]>;
export interface CaslSubject {
  __caslSubjectType__: Permission;
  ws: string;
  agent: string | null;
}
type Rule = RawRuleOf<CaslAbility>;

const ACTS: Record<Level, string[]> = { none: [], read: ['read'], edit: ['read', 'edit'] };

function principalRules(rules: Map<string, Rule[]>, id: string): Rule[] {
  let r = rules.get(id);
  if (!r) {
    r = [];
    rules.set(id, r);
  }
  return r;
}

/** One ability per principal across all workspaces (keys are `userId` or `key:<apiKeyId>`). */
export function buildCasl(states: Map<string, WorkspaceState>): Map<string, CaslAbility> {
  const can = new Map<string, Rule[]>();
  const cannot = new Map<string, Rule[]>();
  for (const s of states.values()) {
    const ws = s.workspaceId;
    const allAgents = [null, ...s.agents.keys()];
    const capRules: Rule[] = s.caps.flatMap((c) => {
      const denied = c.maxLevel === 'none' ? ['read', 'edit'] : c.maxLevel === 'read' ? ['edit'] : [];
      if (denied.length === 0) return [];
      const conditions = c.agentId == null ? { ws } : { ws, agent: c.agentId };
      return [{ action: denied, subject: c.permission, conditions, inverted: true } as Rule];
    });
    const grantRules = (
      out: Rule[],
      grant: Parameters<typeof resolveGrant>[1],
      agents: readonly (string | null)[],
    ) => {
      if (agents.length === 0) return;
      const m = resolveGrant(s, grant);
      const conditions = agents.length === 1 ? { ws, agent: agents[0] } : { ws, agent: { $in: [...agents] } };
      for (const p of PERMISSIONS) {
        const acts = ACTS[(m[p] as Level) ?? 'none'];
        if (acts.length) out.push({ action: acts, subject: p, conditions });
      }
    };
    for (const m of s.members.values()) {
      const out = principalRules(can, m.userId);
      if (m.role === 'admin') {
        out.push({ action: ['read', 'edit'], subject: 'all', conditions: { ws, agent: { $in: allAgents } } });
        continue;
      }
      const accessible: (string | null)[] = [null];
      for (const a of s.agents.values()) {
        const am = a.members.get(m.userId);
        if (!am && m.agentAccess !== 'all') continue;
        accessible.push(a.agentId);
        if (!am) continue;
        if (am.role === 'agent_admin')
          out.push({ action: ['read', 'edit'], subject: 'all', conditions: { ws, agent: a.agentId } });
        else grantRules(out, am.grant, [a.agentId]);
      }
      grantRules(out, m.grant, accessible);
      principalRules(cannot, m.userId).push(...capRules);
    }
    for (const k of s.apiKeys.values()) {
      const id = `key:${k.apiKeyId}`;
      const scope = k.agentId === null ? allAgents : s.agents.has(k.agentId) ? [k.agentId] : [];
      grantRules(principalRules(can, id), k.grant, scope);
      principalRules(cannot, id).push(...capRules);
    }
  }
  const out = new Map<string, CaslAbility>();
  for (const [id, rules] of can)
    out.set(id, createMongoAbility<CaslAbility>([...rules, ...(cannot.get(id) ?? [])]));
  for (const [id, rules] of cannot) if (!out.has(id)) out.set(id, createMongoAbility<CaslAbility>(rules));
  return out;
}

export function caslKey(subject: { userId: string } | { apiKeyId: string }): string {
  return 'userId' in subject ? subject.userId : `key:${subject.apiKeyId}`;
}
