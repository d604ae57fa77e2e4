import { describe, expect, it } from 'vitest';
import {
  CAPABILITIES,
  type Capability,
  capabilitiesOf,
  hasAgentAccess,
  hasCapability,
  isCapability,
  isMember,
} from './capabilities';
import { buildWorkspaceState, type Subject } from './state';
import { fixture } from './testing/fixture';

const s = fixture();
const user = (userId: string): Subject => ({ userId });
const key = (apiKeyId: string): Subject => ({ apiKeyId });
const ADMIN_ONLY: Capability[] = [
  'workspace.manage',
  'billing.manage',
  'agent.approve',
  'activity.read',
  'tickets.read_all',
];

describe('capabilities come from roles, never matrices', () => {
  it('workspace.read and agent.create: any member', () => {
    for (const u of ['ada', 'alice', 'bob', 'carol', 'dave']) {
      expect(hasCapability(s, user(u), 'workspace.read')).toBe(true);
      expect(hasCapability(s, user(u), 'agent.create')).toBe(true);
    }
    expect(hasCapability(s, user('mallory'), 'workspace.read')).toBe(false);
    expect(hasCapability(s, user('mallory'), 'agent.create')).toBe(false);
  });

  it('workspace admin only: manage, billing, approve, activity, all tickets', () => {
    for (const c of ADMIN_ONLY) {
      expect(hasCapability(s, user('ada'), c)).toBe(true);
      expect(hasCapability(s, user('ada'), c, 'x')).toBe(true);
      for (const u of ['alice', 'bob', 'carol', 'dave', 'mallory'])
        expect(hasCapability(s, user(u), c, 'x')).toBe(false);
    }
  });

  it('an agent admin cannot approve their own agent', () => {
    expect(hasCapability(s, user('carol'), 'agent.approve', 'x')).toBe(false);
  });

  it('agent.read / agent.use: access to that agent (admins: any existing agent)', () => {
    for (const c of ['agent.read', 'agent.use'] as const) {
      expect(hasCapability(s, user('ada'), c, 'y')).toBe(true);
      expect(hasCapability(s, user('alice'), c, 'x')).toBe(true);
      expect(hasCapability(s, user('alice'), c, 'y')).toBe(false);
      expect(hasCapability(s, user('bob'), c, 'y')).toBe(true); // agentAccess all
      expect(hasCapability(s, user('dave'), c, 'x')).toBe(false);
      expect(hasCapability(s, user('ada'), c, 'z')).toBe(false); // unknown agent
      expect(hasCapability(s, user('ada'), c)).toBe(false); // no agent given
    }
  });

  it("agent.manage / agent.view_plan: that agent's agent_admin, or workspace admin", () => {
    for (const c of ['agent.manage', 'agent.view_plan'] as const) {
      expect(hasCapability(s, user('carol'), c, 'x')).toBe(true);
      expect(hasCapability(s, user('carol'), c, 'y')).toBe(false);
      expect(hasCapability(s, user('ada'), c, 'y')).toBe(true);
      expect(hasCapability(s, user('alice'), c, 'x')).toBe(false); // agent_user
      expect(hasCapability(s, user('bob'), c, 'x')).toBe(false); // access is not management
      expect(hasCapability(s, user('ada'), c, 'z')).toBe(false);
    }
  });

  it('a full matrix gives no administrative capability', () => {
    const state = buildWorkspaceState({
      workspaceId: 'w',
      members: [{ userId: 'u', role: 'member', agentAccess: 'all', grant: { presetId: 'builder' } }],
      agents: [{ agentId: 'a' }],
    });
    expect(capabilitiesOf(state, user('u'), 'a')).toEqual([
      'workspace.read',
      'agent.create',
      'agent.read',
      'agent.use',
    ]);
  });

  it('API keys: only workspace.read, access.check, and agent.read and agent.use within their scope', () => {
    const all = ['workspace.read', 'agent.read', 'agent.use', 'access.check'];
    expect(capabilitiesOf(s, key('k-all'), 'x')).toEqual(all);
    expect(capabilitiesOf(s, key('k-x'), 'x')).toEqual(all);
    expect(capabilitiesOf(s, key('k-x'), 'y')).toEqual(['workspace.read', 'access.check']);
    expect(capabilitiesOf(s, key('k-ghost'), 'x')).toEqual(['workspace.read', 'access.check']);
    expect(capabilitiesOf(s, key('k-nope'), 'x')).toEqual([]);
    expect(capabilitiesOf(s, key('k-all'))).toEqual(['workspace.read', 'access.check']);
  });

  it('access.check (ask the check API about anyone): workspace admins and any live API key of the workspace', () => {
    expect(hasCapability(s, user('ada'), 'access.check')).toBe(true);
    for (const u of ['alice', 'bob', 'carol', 'dave', 'mallory'])
      expect(hasCapability(s, user(u), 'access.check')).toBe(false); // members: only about themselves (orSelf)
    for (const k of ['k-all', 'k-x', 'k-ghost']) expect(hasCapability(s, key(k), 'access.check')).toBe(true);
    expect(hasCapability(s, key('k-nope'), 'access.check')).toBe(false); // revoked / unknown key
  });

  it('capabilitiesOf lists in CAPABILITIES order; admins hold all of them on an agent', () => {
    expect(capabilitiesOf(s, user('ada'), 'x')).toEqual([...CAPABILITIES]);
    expect(capabilitiesOf(s, user('ada'))).toEqual(
      CAPABILITIES.filter((c) => !c.startsWith('agent.') || c === 'agent.create' || c === 'agent.approve'),
    );
  });

  it('isMember, hasAgentAccess and isCapability', () => {
    expect(isMember(s, user('alice'))).toBe(true);
    expect(isMember(s, user('mallory'))).toBe(false);
    expect(isMember(s, key('k-x'))).toBe(true);
    expect(isMember(s, key('k-nope'))).toBe(false);
    expect(hasAgentAccess(s, user('carol'), 'x')).toBe(true);
    expect(hasAgentAccess(s, user('carol'), 'y')).toBe(false);
    expect(hasAgentAccess(s, user('mallory'), 'x')).toBe(false);
    expect(hasAgentAccess(s, key('k-x'), 'y')).toBe(false);
    expect(isCapability('agent.use')).toBe(true);
    expect(isCapability('agent.delete')).toBe(false);
  });
});
