import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission, permissionIndex } from './catalog';
import { compile } from './compiled';
import { decide } from './decide';
import type { AgentState, Subject, WorkspaceState } from './state';
import { fixture } from './testing/fixture';

const SUBJECTS: Subject[] = [
  ...['ada', 'alice', 'bob', 'carol', 'dave', 'erin', 'fay', 'mallory', 'newbie'].map((userId) => ({
    userId,
  })),
  ...['k-all', 'k-x', 'k-ghost', 'k-nope', 'k-new'].map((apiKeyId) => ({ apiKeyId })),
];
const AGENTS = [null, undefined, 'x', 'y', 'z', 'w'];

function expectAgrees(state: WorkspaceState, index = compile(state)) {
  for (const subject of SUBJECTS) {
    for (const agentId of AGENTS) {
      for (const permission of PERMISSIONS) {
        const want = decide(state, { subject, agentId, permission });
        const got = index.level(subject, agentId, permission);
        if (got !== want)
          throw new Error(`${JSON.stringify(subject)} ${agentId} ${permission}: ${got} != ${want}`);
      }
    }
  }
  expect(index.revision).toBe(state.revision);
}

function withAgentMember(
  state: WorkspaceState,
  agentId: string,
  userId: string,
  am: AgentState['members'] extends ReadonlyMap<string, infer V> ? V | null : never,
): WorkspaceState {
  const agents = new Map(state.agents);
  const agent = agents.get(agentId)!;
  const members = new Map(agent.members);
  if (am) members.set(userId, am);
  else members.delete(userId);
  agents.set(agentId, { agentId, members });
  return { ...state, agents, revision: state.revision + 1 };
}

describe('compile', () => {
  it('agrees with decide on every query of the fixture', () => {
    expectAgrees(fixture());
  });

  it('offers a no-lookup fast path', () => {
    const s = fixture();
    const index = compile(s);
    const slot = index.principalSlot({ userId: 'alice' });
    const col = index.agentColumn('x');
    expect(index.levelByIndex(slot, col, permissionIndex('build.knowledge'))).toBe(2);
    expect(index.levelByIndex(slot, index.agentColumn(null), permissionIndex('build.knowledge'))).toBe(1);
    expect(index.principalSlot({ userId: 'mallory' })).toBe(-1);
    expect(index.agentColumn('z')).toBe(-1);
    expect(index.levelByIndex(-1, col, 0)).toBe(0);
    expect(index.levelByIndex(slot, -1, 0)).toBe(0);
    expect(index.allows({ userId: 'alice' }, 'x', 'build.tools', 'edit')).toBe(false);
    expect(index.allows({ userId: 'alice' }, 'x', 'build.tools', 'read')).toBe(true);
    expect(index.level({ userId: 'alice' }, 'x', 'bogus' as Permission)).toBe('none');
  });

  it('reflects one changed membership incrementally, without a rebuild', () => {
    let s = fixture();
    const index = compile(s);
    // Promote dave to agent_admin of y.
    s = withAgentMember(s, 'y', 'dave', { userId: 'dave', role: 'agent_admin', grant: {} });
    index.updateMember(s, 'dave');
    expect(index.level({ userId: 'dave' }, 'y', 'build.flows')).toBe('edit');
    // Change alice's workspace grant.
    const members = new Map(s.members);
    members.set('alice', { ...members.get('alice')!, grant: { matrix: { 'deployments.history': 'edit' } } });
    s = { ...s, members, revision: s.revision + 1 };
    index.updateMember(s, 'alice');
    expectAgrees(s, index);
    expect(index.stats().rebuilds).toBe(1);
  });

  it('reflects added and removed members and keys, reusing slots', () => {
    let s = fixture();
    const index = compile(s);
    const members = new Map(s.members);
    members.delete('bob');
    s = { ...s, members, revision: s.revision + 1 };
    index.updateMember(s, 'bob');
    expect(index.level({ userId: 'bob' }, 'y', 'build.flows')).toBe('none');
    expectAgrees(s, index);
    const more = new Map(s.members);
    for (let i = 0; i < 40; i++) {
      more.set(`u${i}`, {
        userId: `u${i}`,
        role: 'member',
        agentAccess: 'all',
        grant: { presetId: 'builder' },
      });
    }
    more.set('newbie', {
      userId: 'newbie',
      role: 'member',
      agentAccess: 'all',
      grant: { presetId: 'qa_analyst' },
    });
    s = { ...s, members: more, revision: s.revision + 1 };
    index.apply(
      s,
      [...more.keys()].map((userId) => ({ kind: 'member' as const, userId })),
    );
    const keys = new Map(s.apiKeys);
    keys.delete('k-all');
    keys.set('k-new', { apiKeyId: 'k-new', agentId: 'y', grant: { matrix: { 'channels.chat': 'edit' } } });
    s = { ...s, apiKeys: keys, revision: s.revision + 1 };
    index.updateApiKey(s, 'k-all');
    index.updateApiKey(s, 'k-new');
    expectAgrees(s, index);
    expect(index.level({ userId: 'u39' }, 'x', 'build.flows')).toBe('edit');
    expect(index.stats()).toMatchObject({ rebuilds: 1, agents: 2 });
  });

  it('rebuilds by itself when caps, custom presets or agents changed', () => {
    let s = fixture();
    const index = compile(s);
    s = { ...s, caps: [], revision: s.revision + 1 };
    index.updateMember(s, 'alice');
    expectAgrees(s, index);
    s = { ...s, presets: new Map([['custom-1', { 'configure.general': 'read' }]]), revision: s.revision + 1 };
    index.updateMember(s, 'alice');
    expectAgrees(s, index);
    const agents = new Map(s.agents);
    agents.set('w', { agentId: 'w', members: new Map() });
    s = { ...s, agents, revision: s.revision + 1 };
    index.updateApiKey(s, 'k-all');
    expectAgrees(s, index);
    expect(index.stats().rebuilds).toBe(4);
    index.apply(s, [{ kind: 'all' }]);
    expect(index.stats().rebuilds).toBe(5);
  });
});
