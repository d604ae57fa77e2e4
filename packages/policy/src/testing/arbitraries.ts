/**
 * fast-check arbitraries for random workspaces and queries (test-only; not
 * exported from the package).
 */
import fc from 'fast-check';
import { LEVELS, type Level, PERMISSIONS, type Permission } from '../catalog';
import type { Matrix } from '../matrix';
import type { Cap } from '../policies';
import { BUILTIN_PRESET_IDS } from '../presets';
import type { AgentMemberState, Grant, MemberState, Subject, WorkspaceState } from '../state';

export const USER_POOL = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'] as const;
export const AGENT_POOL = ['a0', 'a1', 'a2'] as const;
export const KEY_POOL = ['k0', 'k1', 'k2'] as const;
export const CUSTOM_PRESET_POOL = ['c0', 'c1'] as const;

/** Every subject a query may name: pool members plus ids that never exist. */
const QUERY_SUBJECTS: readonly Subject[] = [
  ...[...USER_POOL, 'ghost'].map((userId) => ({ userId })),
  ...[...KEY_POOL, 'k-ghost'].map((apiKeyId) => ({ apiKeyId })),
];
/** Every agent a query may name: workspace-wide, pool agents, and one that never exists. */
const QUERY_AGENTS: readonly (string | null)[] = [null, ...AGENT_POOL, 'a-ghost'];

export const levelArb: fc.Arbitrary<Level> = fc.constantFrom(...LEVELS);
const permissionArb: fc.Arbitrary<Permission> = fc.constantFrom(...PERMISSIONS);

export const matrixArb: fc.Arbitrary<Matrix> = fc
  .array(fc.tuple(permissionArb, levelArb), { maxLength: 12 })
  .map((entries) => Object.fromEntries(entries) as Matrix);

export const grantArb: fc.Arbitrary<Grant> = fc.oneof(
  matrixArb.map((matrix) => ({ matrix })),
  fc.constantFrom(...BUILTIN_PRESET_IDS).map((presetId) => ({ presetId })),
  fc.constantFrom(...CUSTOM_PRESET_POOL, 'missing').map((presetId) => ({ presetId })),
  fc.record({ presetId: fc.constantFrom(...CUSTOM_PRESET_POOL, 'read_only_reviewer'), matrix: matrixArb }),
  fc.constant({}),
  fc.constant({ matrix: null, presetId: null }),
);

const memberArb = (userId: string): fc.Arbitrary<MemberState> =>
  fc.record({
    userId: fc.constant(userId),
    role: fc.constantFrom('admin', 'member', 'member', 'member'),
    agentAccess: fc.constantFrom('all', 'assigned', 'assigned'),
    grant: grantArb,
  });

const agentMemberArb = (userId: string): fc.Arbitrary<AgentMemberState> =>
  fc.record({
    userId: fc.constant(userId),
    role: fc.constantFrom('agent_admin', 'agent_user', 'agent_user'),
    grant: grantArb,
  });

export const capArb: fc.Arbitrary<Cap> = fc.record({
  permission: permissionArb,
  maxLevel: levelArb,
  agentId: fc.constantFrom<string | null | undefined>(null, undefined, ...AGENT_POOL, 'a-ghost'),
  source: fc.string({ maxLength: 4 }).map((s) => `cap:${s}`),
});

function subset<T>(pool: readonly T[]): fc.Arbitrary<T[]> {
  return fc.subarray([...pool]);
}

/** A random workspace over the pools (some users are agent members without being workspace members). */
export const workspaceArb: fc.Arbitrary<WorkspaceState> = fc
  .record({
    revision: fc.nat(1000),
    memberIds: subset(USER_POOL),
    agentIds: subset(AGENT_POOL),
    keyIds: subset(KEY_POOL),
    presetIds: subset(CUSTOM_PRESET_POOL),
  })
  .chain(({ revision, memberIds, agentIds, keyIds, presetIds }) =>
    fc.record({
      revision: fc.constant(revision),
      members: fc.tuple(...memberIds.map(memberArb)),
      agents: fc.tuple(
        ...agentIds.map((agentId) =>
          subset(USER_POOL).chain((ids) =>
            fc.tuple(...ids.map(agentMemberArb)).map((ms) => ({ agentId, members: ms })),
          ),
        ),
      ),
      keys: fc.tuple(
        ...keyIds.map((apiKeyId) =>
          fc.record({
            apiKeyId: fc.constant(apiKeyId),
            grant: grantArb,
            agentId: fc.constantFrom<string | null>(null, null, ...AGENT_POOL, 'a-ghost'),
          }),
        ),
      ),
      presets: fc.tuple(...presetIds.map((id) => matrixArb.map((m) => [id, m] as const))),
      caps: fc.array(capArb, { maxLength: 5 }),
    }),
  )
  .map(
    (w): WorkspaceState => ({
      workspaceId: 'ws',
      revision: w.revision,
      members: new Map(w.members.map((m) => [m.userId, m])),
      agents: new Map(
        w.agents.map((a) => [
          a.agentId,
          { agentId: a.agentId, members: new Map(a.members.map((m) => [m.userId, m])) },
        ]),
      ),
      apiKeys: new Map(w.keys.map((k) => [k.apiKeyId, k])),
      presets: new Map(w.presets),
      caps: w.caps,
    }),
  );

/** Call `fn` for every query over the query pools (subjects × agents × permissions). */
export function forEveryQuery(
  fn: (subject: Subject, agentId: string | null, permission: Permission) => void,
): void {
  for (const subject of QUERY_SUBJECTS) {
    for (const agentId of QUERY_AGENTS) {
      for (const permission of PERMISSIONS) fn(subject, agentId, permission);
    }
  }
}
