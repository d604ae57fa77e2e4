/**
 * Property tests of the compiled index (fast-check): it must agree with
 * decide() on every query over the pools (11 subjects × 5 agents × 28
 * permissions, unknown ids included), on RUNS random workspaces, both freshly
 * compiled and after random sequences of incremental updates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS } from './catalog';
import { compile } from './compiled';
import { decideRank } from './decide';
import {
  AGENT_POOL,
  CUSTOM_PRESET_POOL,
  capArb,
  forEveryQuery,
  grantArb,
  KEY_POOL,
  matrixArb,
  USER_POOL,
  workspaceArb,
} from './testing/arbitraries';
import { withAgentMember, withMember } from './testing/helpers';

/** Random workspaces per property; override with POLICY_PROPERTY_RUNS for a quicker local loop. */
const RUNS = Number(process.env.POLICY_PROPERTY_RUNS ?? 10_000);
const opts = { numRuns: RUNS };
const TIMEOUT = 60_000;

const userIdArb = fc.constantFrom(...USER_POOL);
const agentIdArb = fc.constantFrom(...AGENT_POOL);

describe(`compiled index properties (${RUNS} random workspaces each)`, () => {
  it(
    'the compiled index agrees with decide() on every query',
    () => {
      fc.assert(
        fc.property(workspaceArb, (s) => {
          const index = compile(s);
          forEveryQuery((subject, agentId, permission) => {
            const want = decideRank(s, subject, agentId, permission);
            if (index.level(subject, agentId, permission) !== LEVELS[want]) {
              throw new Error(
                `${JSON.stringify(subject)} ${agentId} ${permission}: index ${index.level(subject, agentId, permission)} != ${LEVELS[want]}`,
              );
            }
          });
          expect(index.revision).toBe(s.revision);
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  const changeArb = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('member' as const),
        userId: userIdArb,
        member: fc.option(
          fc.record({
            role: fc.constantFrom('admin' as const, 'member' as const),
            agentAccess: fc.constantFrom('all' as const, 'assigned' as const),
            grant: grantArb,
          }),
        ),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('agentMember' as const),
        userId: userIdArb,
        agentId: agentIdArb,
        am: fc.option(
          fc.record({
            role: fc.constantFrom('agent_admin' as const, 'agent_user' as const),
            grant: grantArb,
          }),
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('key' as const),
        apiKeyId: fc.constantFrom(...KEY_POOL),
        key: fc.option(
          fc.record({
            grant: grantArb,
            agentId: fc.constantFrom<string | null>(null, ...AGENT_POOL, 'a-ghost'),
          }),
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('caps' as const), caps: fc.array(capArb, { maxLength: 4 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('preset' as const),
        presetId: fc.constantFrom(...CUSTOM_PRESET_POOL),
        matrix: fc.option(matrixArb),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('agent' as const), agentId: agentIdArb }) },
  );

  it(
    'the compiled index agrees with decide() after incremental updates',
    () => {
      fc.assert(
        fc.property(workspaceArb, fc.array(changeArb, { minLength: 1, maxLength: 6 }), (initial, changes) => {
          let s = initial;
          const index = compile(s);
          for (const c of changes) {
            switch (c.kind) {
              case 'member':
                s = withMember(s, c.userId, c.member ? { userId: c.userId, ...c.member } : null);
                index.updateMember(s, c.userId);
                break;
              case 'agentMember':
                s = withAgentMember(s, c.agentId, c.userId, c.am ? { userId: c.userId, ...c.am } : null);
                index.updateMember(s, c.userId);
                break;
              case 'key': {
                const apiKeys = new Map(s.apiKeys);
                if (c.key) apiKeys.set(c.apiKeyId, { apiKeyId: c.apiKeyId, ...c.key });
                else apiKeys.delete(c.apiKeyId);
                s = { ...s, apiKeys, revision: s.revision + 1 };
                index.updateApiKey(s, c.apiKeyId);
                break;
              }
              case 'caps':
                s = { ...s, caps: c.caps, revision: s.revision + 1 };
                index.updateMember(s, 'u0');
                break;
              case 'preset': {
                const presets = new Map(s.presets);
                if (c.matrix) presets.set(c.presetId, c.matrix);
                else presets.delete(c.presetId);
                s = { ...s, presets, revision: s.revision + 1 };
                index.apply(s, []);
                break;
              }
              case 'agent': {
                const agents = new Map(s.agents);
                if (agents.has(c.agentId)) agents.delete(c.agentId);
                else agents.set(c.agentId, { agentId: c.agentId, members: new Map() });
                s = { ...s, agents, revision: s.revision + 1 };
                index.updateApiKey(s, 'k0');
                break;
              }
            }
          }
          forEveryQuery((subject, agentId, permission) => {
            const want = LEVELS[decideRank(s, subject, agentId, permission)];
            const got = index.level(subject, agentId, permission);
            if (got !== want)
              throw new Error(`${JSON.stringify(subject)} ${agentId} ${permission}: index ${got} != ${want}`);
          });
          expect(index.revision).toBe(s.revision);
        }),
        opts,
      );
    },
    TIMEOUT,
  );
});
