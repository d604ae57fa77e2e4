/**
 * Property tests of the decision (fast-check): every property runs on
 * RUNS random workspaces and checks every query over the pools
 * (11 subjects × 5 agents × 28 permissions), unknown ids included.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  AREAS,
  isSensitive,
  LEVELS,
  type Level,
  levelRank,
  PERMISSIONS,
  SENSITIVE_PERMISSIONS,
} from './catalog';
import { decide, decideRank, effective, explain } from './decide';
import { levelOf, type Matrix, parseMatrix, setArea } from './matrix';
import type { Cap } from './policies';
import { resolveGrant, type Subject, type WorkspaceState } from './state';
import {
  AGENT_POOL,
  CUSTOM_PRESET_POOL,
  forEveryQuery,
  KEY_POOL,
  levelArb,
  matrixArb,
  USER_POOL,
  workspaceArb,
} from './testing/arbitraries';
import { check, withAgentMember, withMember } from './testing/helpers';

/** Random workspaces per property; override with POLICY_PROPERTY_RUNS for a quicker local loop. */
const RUNS = Number(process.env.POLICY_PROPERTY_RUNS ?? 10_000);
const opts = { numRuns: RUNS };
const TIMEOUT = 60_000;

function maxMatrix(a: Matrix, b: Matrix): Matrix {
  const out: Matrix = {};
  for (const p of PERMISSIONS) {
    const l = LEVELS[Math.max(levelRank(levelOf(a, p)), levelRank(levelOf(b, p)))] as Level;
    if (l !== 'none') out[p] = l;
  }
  return out;
}

const userIdArb = fc.constantFrom(...USER_POOL);
const agentIdArb = fc.constantFrom(...AGENT_POOL);

/** An operation that only ever grants more. */
const raiseArb = fc.oneof(
  fc.record({ kind: fc.constant('wsGrant' as const), userId: userIdArb, extra: matrixArb }),
  fc.record({
    kind: fc.constant('agentGrant' as const),
    userId: userIdArb,
    agentId: agentIdArb,
    extra: matrixArb,
  }),
  fc.record({ kind: fc.constant('agentAccessAll' as const), userId: userIdArb }),
  fc.record({ kind: fc.constant('agentAdmin' as const), userId: userIdArb, agentId: agentIdArb }),
  fc.record({ kind: fc.constant('wsAdmin' as const), userId: userIdArb }),
  fc.record({
    kind: fc.constant('keyGrant' as const),
    apiKeyId: fc.constantFrom(...KEY_POOL),
    extra: matrixArb,
  }),
  fc.record({ kind: fc.constant('dropCap' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('loosenCap' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('presetRaise' as const),
    presetId: fc.constantFrom(...CUSTOM_PRESET_POOL),
    extra: matrixArb,
  }),
);
type Raise = typeof raiseArb extends fc.Arbitrary<infer R> ? R : never;

function applyRaise(s: WorkspaceState, r: Raise): WorkspaceState {
  switch (r.kind) {
    case 'wsGrant': {
      const m = s.members.get(r.userId);
      if (!m) return s;
      return withMember(s, r.userId, {
        ...m,
        grant: { matrix: maxMatrix(resolveGrant(s, m.grant), r.extra) },
      });
    }
    case 'agentGrant': {
      const am = s.agents.get(r.agentId)?.members.get(r.userId);
      const grant = { matrix: maxMatrix(am ? resolveGrant(s, am.grant) : {}, r.extra) };
      return withAgentMember(s, r.agentId, r.userId, {
        userId: r.userId,
        role: am?.role ?? 'agent_user',
        grant,
      });
    }
    case 'agentAccessAll': {
      const m = s.members.get(r.userId);
      return m ? withMember(s, r.userId, { ...m, agentAccess: 'all' }) : s;
    }
    case 'agentAdmin': {
      const am = s.agents.get(r.agentId)?.members.get(r.userId);
      return withAgentMember(s, r.agentId, r.userId, {
        userId: r.userId,
        role: 'agent_admin',
        grant: am?.grant ?? {},
      });
    }
    case 'wsAdmin': {
      const m = s.members.get(r.userId);
      return m ? withMember(s, r.userId, { ...m, role: 'admin' }) : s;
    }
    case 'keyGrant': {
      const k = s.apiKeys.get(r.apiKeyId);
      if (!k) return s;
      const apiKeys = new Map(s.apiKeys);
      apiKeys.set(r.apiKeyId, { ...k, grant: { matrix: maxMatrix(resolveGrant(s, k.grant), r.extra) } });
      return { ...s, apiKeys };
    }
    case 'dropCap':
      return s.caps.length ? { ...s, caps: s.caps.filter((_, i) => i !== r.index % s.caps.length) } : s;
    case 'loosenCap':
      return s.caps.length
        ? {
            ...s,
            caps: s.caps.map((c, i) =>
              i === r.index % s.caps.length ? { ...c, maxLevel: 'edit' as const } : c,
            ),
          }
        : s;
    case 'presetRaise': {
      const presets = new Map(s.presets);
      presets.set(r.presetId, maxMatrix(s.presets.get(r.presetId) ?? {}, r.extra));
      return { ...s, presets };
    }
  }
}

function isWorkspaceAdmin(s: WorkspaceState, subject: Subject): boolean {
  return 'userId' in subject && s.members.get(subject.userId)?.role === 'admin';
}

function applicableCapRank(caps: readonly Cap[], agentId: string | null, p: string): number {
  let r = 2;
  for (const c of caps)
    if (c.permission === p && (c.agentId == null || c.agentId === agentId))
      r = Math.min(r, levelRank(c.maxLevel));
  return r;
}

describe(`decision properties (${RUNS} random workspaces each)`, () => {
  it(
    'granting more never lowers a level',
    () => {
      fc.assert(
        fc.property(workspaceArb, fc.array(raiseArb, { minLength: 1, maxLength: 3 }), (s, raises) => {
          const after = raises.reduce(applyRaise, s);
          forEveryQuery((subject, agentId, permission) => {
            const before = decideRank(s, subject, agentId, permission);
            const now = decideRank(after, subject, agentId, permission);
            if (now < before)
              throw new Error(`${JSON.stringify(subject)} ${agentId} ${permission}: ${before} → ${now}`);
          });
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'caps always bind non-admins and never admins',
    () => {
      fc.assert(
        fc.property(workspaceArb, (s) => {
          forEveryQuery((subject, agentId, permission) => {
            const r = decideRank(s, subject, agentId, permission);
            if (isWorkspaceAdmin(s, subject)) {
              const agentExists = agentId === null || s.agents.has(agentId);
              check(
                r === (agentExists ? 2 : 0),
                `admin ${JSON.stringify(subject)} ${agentId} ${permission}: ${r}`,
              );
            } else if (r > applicableCapRank(s.caps, agentId, permission)) {
              throw new Error(`${JSON.stringify(subject)} ${agentId} ${permission}: ${r} above its cap`);
            }
          });
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'a member with no access to an agent gets none on all its items',
    () => {
      fc.assert(
        fc.property(workspaceArb, (s) => {
          for (const m of s.members.values()) {
            if (m.role === 'admin' || m.agentAccess === 'all') continue;
            for (const agent of s.agents.values()) {
              if (agent.members.has(m.userId)) continue;
              for (const p of PERMISSIONS) {
                check(
                  decideRank(s, { userId: m.userId }, agent.agentId, p) === 0,
                  `${m.userId} ${agent.agentId} ${p}`,
                );
              }
            }
          }
          // And nobody gets anything on an agent that does not exist.
          for (const m of s.members.values()) {
            for (const p of PERMISSIONS)
              check(decideRank(s, { userId: m.userId }, 'a-ghost', p) === 0, `${m.userId} ${p}`);
          }
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'sensitive items are never set by an area',
    () => {
      fc.assert(
        fc.property(
          matrixArb,
          fc.constantFrom(...AREAS),
          levelArb,
          fc.dictionary(fc.constantFrom(...AREAS), levelArb),
          (m, area, level, input) => {
            const after = setArea(m, area, level);
            for (const p of SENSITIVE_PERMISSIONS)
              check(levelOf(after, p) === levelOf(m, p), `${area} set ${p}`);
            const parsed = parseMatrix(input);
            check(parsed.ok, 'area-only input parses');
            if (parsed.ok)
              for (const p of PERMISSIONS)
                if (isSensitive(p)) check(levelOf(parsed.matrix, p) === 'none', `parse set ${p}`);
          },
        ),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'explain() agrees with decide(), and its parts are consistent',
    () => {
      fc.assert(
        fc.property(workspaceArb, (s) => {
          for (const subject of [
            { userId: 'u0' },
            { userId: 'u1' },
            { userId: 'ghost' },
            { apiKeyId: 'k0' },
          ] as Subject[]) {
            for (const agentId of [null, 'a0', 'a1', 'a-ghost']) {
              for (const e of effective(s, subject, agentId)) {
                const want = decide(s, { subject, agentId, permission: e.permission });
                if (e.level !== want) throw new Error(`explain ${e.level} != decide ${want}`);
                const maxGrant = Math.max(0, ...e.grants.map((g) => levelRank(g.level)));
                check(levelRank(e.uncapped) === maxGrant, 'uncapped is the maximum over the grants');
                check(
                  e.level === (e.cap ? e.cap.maxLevel : e.uncapped),
                  'level is the binding cap or uncapped',
                );
                check(
                  e.cap === null || levelRank(e.cap.maxLevel) < maxGrant,
                  'a binding cap lowers the level',
                );
                check(
                  e.reason === null || (e.level === 'none' && e.grants.length === 0),
                  'a denial gives none',
                );
              }
            }
          }
          const q = { subject: { userId: 'u2' }, agentId: 'a2', permission: 'build.flows' } as const;
          check(explain(s, q).level === decide(s, q), 'explain(q).level === decide(q)');
        }),
        opts,
      );
    },
    TIMEOUT,
  );
});
