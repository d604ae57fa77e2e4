/**
 * Property tests of the grant rule "nobody grants what they do not hold"
 * (docs/rules.md §4), on random workspaces (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelRank, PERMISSIONS } from './catalog';
import { decide } from './decide';
import { grantableLevels, grantableMatrix, grantExcess } from './grants';
import { levelOf, type Matrix } from './matrix';
import type { Subject } from './state';
import { AGENT_POOL, matrixArb, USER_POOL, workspaceArb } from './testing/arbitraries';
import { check, withMember } from './testing/helpers';

const RUNS = Math.max(100, Math.floor(Number(process.env.POLICY_PROPERTY_RUNS ?? 10_000) / 5));
const opts = { numRuns: RUNS };
const TIMEOUT = 60_000;
const userArb = fc.constantFrom(...USER_POOL);
const scopeArb = fc.constantFrom<(string | null)[]>(null, ...AGENT_POOL);

describe('grant rule (docs/rules.md §4)', () => {
  it(
    'a grant is refused exactly on the items above the editor’s own decided level',
    () => {
      fc.assert(
        fc.property(workspaceArb, userArb, scopeArb, matrixArb, (state, editorId, agentId, granted) => {
          const editor: Subject = { userId: editorId };
          const excess = new Set(grantExcess(state, editor, agentId, granted));
          for (const p of PERMISSIONS) {
            const over =
              levelRank(levelOf(granted, p)) >
              levelRank(decide(state, { subject: editor, agentId, permission: p }));
            check(over === excess.has(p), `${p}: over=${over} but excess=${excess.has(p)}`);
          }
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'the console’s choices are exactly the grants the server accepts',
    () => {
      fc.assert(
        fc.property(workspaceArb, userArb, scopeArb, (state, editorId, agentId) => {
          const editor: Subject = { userId: editorId };
          const max = grantableMatrix(state, editor, agentId);
          const within: Matrix = {};
          for (const p of PERMISSIONS) {
            const levels = grantableLevels(state, editor, agentId, p);
            check(levels[levels.length - 1] === max[p], `${p}: top choice is the grantable level`);
            if (max[p] !== 'none') within[p] = max[p];
          }
          check(grantExcess(state, editor, agentId, within).length === 0, 'the maximal grant is accepted');
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'a workspace grant within the editor’s own never lets the grantee exceed both of them',
    () => {
      fc.assert(
        fc.property(workspaceArb, userArb, userArb, matrixArb, (state, editorId, targetId, wanted) => {
          const target = state.members.get(targetId);
          if (editorId === targetId || !target || target.role === 'admin') return;
          const editor: Subject = { userId: editorId };
          // Keep only what the editor may grant: the server would refuse the rest.
          const granted: Matrix = {};
          const max = grantableMatrix(state, editor, null);
          for (const p of PERMISSIONS) {
            const l = levelOf(wanted, p);
            if (levelRank(l) <= levelRank(max[p]) && l !== 'none') granted[p] = l;
          }
          const next = withMember(state, targetId, { ...target, grant: { matrix: granted, presetId: null } });
          for (const p of PERMISSIONS) {
            const after = levelRank(
              decide(next, { subject: { userId: targetId }, agentId: null, permission: p }),
            );
            const before = levelRank(
              decide(state, { subject: { userId: targetId }, agentId: null, permission: p }),
            );
            check(after <= Math.max(before, levelRank(max[p])), `${p}: grantee rose above both`);
          }
        }),
        opts,
      );
    },
    TIMEOUT,
  );

  it('names the items over the limit in catalog order', () => {
    const state = {
      workspaceId: 'w',
      revision: 1,
      members: new Map([
        [
          'm',
          {
            userId: 'm',
            role: 'member' as const,
            agentAccess: 'all' as const,
            grant: { matrix: { 'build.knowledge': 'read' as const }, presetId: null },
          },
        ],
      ]),
      agents: new Map(),
      apiKeys: new Map(),
      presets: new Map(),
      caps: [],
    };
    expect(
      grantExcess(state, { userId: 'm' }, null, { 'build.knowledge': 'edit', 'analytics.feedback': 'read' }),
    ).toEqual(PERMISSIONS.filter((p) => p === 'build.knowledge' || p === 'analytics.feedback'));
    expect(grantExcess(state, { userId: 'm' }, null, { 'build.knowledge': 'read' })).toEqual([]);
  });
});
