import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from './catalog';
import { allows, decide, effective, effectiveMatrix, explain } from './decide';
import { capsFromPolicies } from './policies';
import { BUILTIN_PRESETS } from './presets';
import type { Subject, WorkspaceState } from './state';
import { fixture } from './testing/fixture';

const s = fixture();
const user = (userId: string): Subject => ({ userId });
const key = (apiKeyId: string): Subject => ({ apiKeyId });
const lv = (
  state: WorkspaceState,
  subject: Subject,
  agentId: string | null | undefined,
  permission: Permission,
) => decide(state, { subject, agentId, permission });

describe('decide — docs/rules.md §3 step by step', () => {
  it('1. a non-member gets none everywhere', () => {
    for (const p of PERMISSIONS) {
      expect(lv(s, user('mallory'), null, p)).toBe('none');
      expect(lv(s, user('mallory'), 'x', p)).toBe('none');
    }
    expect(explain(s, { subject: user('mallory'), permission: 'build.agent' }).reason).toBe('not_member');
  });

  it('2. a workspace admin gets edit on everything, uncapped', () => {
    for (const p of PERMISSIONS) {
      expect(lv(s, user('ada'), null, p)).toBe('edit');
      expect(lv(s, user('ada'), 'x', p)).toBe('edit');
      expect(lv(s, user('ada'), 'y', p)).toBe('edit');
    }
    // Capped items included: policies do not cap admins.
    expect(lv(s, user('ada'), 'y', 'channels.chat')).toBe('edit');
  });

  it('an agent that does not exist gives none to everyone, admins included', () => {
    for (const subject of [user('ada'), user('bob'), user('alice'), key('k-all'), key('k-ghost')]) {
      expect(lv(s, subject, 'z', 'build.agent')).toBe('none');
      expect(explain(s, { subject, agentId: 'z', permission: 'build.agent' }).reason).toBe('unknown_agent');
    }
  });

  it('3. without an agent role and without agentAccess all, an agent gives none', () => {
    for (const p of PERMISSIONS) {
      expect(lv(s, user('alice'), 'y', p)).toBe('none');
      expect(lv(s, user('dave'), 'x', p)).toBe('none');
    }
    expect(explain(s, { subject: user('dave'), agentId: 'x', permission: 'channels.chat' }).reason).toBe(
      'no_agent_access',
    );
    // …while the workspace-wide question still uses the workspace grant.
    expect(lv(s, user('alice'), null, 'build.agent')).toBe('read');
  });

  it('3. agentAccess all gives access to every agent with the workspace grant', () => {
    expect(lv(s, user('bob'), 'x', 'build.flows')).toBe('read');
    expect(lv(s, user('bob'), 'y', 'build.flows')).toBe('read');
    expect(lv(s, user('bob'), 'y', 'build.agent')).toBe('none');
  });

  it('4. the level is the maximum over the workspace grant and the agent grant', () => {
    expect(lv(s, user('alice'), 'x', 'build.knowledge')).toBe('edit'); // agent edit > preset read
    expect(lv(s, user('alice'), 'x', 'build.agent')).toBe('read'); // preset read > agent none
    expect(lv(s, user('alice'), null, 'build.knowledge')).toBe('read'); // no agent: workspace grant alone
  });

  it('4. an agent_admin gets edit on every item of that agent, and nothing more elsewhere', () => {
    expect(lv(s, user('carol'), 'x', 'deployments.environments')).toBe('edit');
    expect(lv(s, user('carol'), 'x', 'analytics.conversation_pii')).toBe('edit');
    expect(lv(s, user('carol'), 'y', 'deployments.environments')).toBe('none');
    expect(lv(s, user('carol'), null, 'deployments.environments')).toBe('none');
  });

  it('5. caps bind members and agent admins; agent caps apply only to their agent', () => {
    expect(lv(s, user('dave'), null, 'channels.chat')).toBe('read'); // embedding_disabled
    expect(lv(s, user('bob'), 'x', 'channels.chat')).toBe('read');
    expect(lv(s, user('bob'), 'y', 'channels.chat')).toBe('none'); // the smallest cap wins
    expect(lv(s, user('alice'), 'x', 'build.tools')).toBe('read'); // agent cap on x
    expect(lv(s, user('carol'), 'x', 'build.tools')).toBe('read'); // agent admins are capped
    expect(lv(s, user('carol'), 'x', 'channels.chat')).toBe('read');
    expect(lv(s, user('alice'), null, 'build.tools')).toBe('read'); // preset read, x cap does not apply
  });

  it('workspace-wide questions use only the caps that name no agent', () => {
    const state = {
      ...s,
      caps: [{ permission: 'channels.chat' as const, maxLevel: 'none' as const, agentId: 'x', source: 'c' }],
    };
    expect(lv(state, user('dave'), null, 'channels.chat')).toBe('edit');
    expect(lv(state, user('bob'), 'x', 'channels.chat')).toBe('none');
    expect(lv(state, user('bob'), 'y', 'channels.chat')).toBe('edit');
  });

  it('an explicit none in a matrix is the same as no entry', () => {
    expect(lv(s, user('bob'), null, 'build.sms')).toBe('none');
  });

  it('a linked preset replaces the matrix; custom presets are looked up; a missing preset is empty', () => {
    expect(lv(s, user('erin'), null, 'configure.general')).toBe('edit');
    expect(lv(s, user('fay'), null, 'build.sms')).toBe('none');
    expect(PERMISSIONS.every((p) => lv(s, user('fay'), 'x', p) === 'none')).toBe(true);
    // Editing a custom preset changes every member linked to it.
    const edited = { ...s, presets: new Map([['custom-1', { 'configure.general': 'read' as const }]]) };
    expect(lv(edited, user('erin'), null, 'configure.general')).toBe('read');
  });
});

describe('decide — API keys', () => {
  it('an unscoped key applies its own grant workspace-wide and to every agent, capped', () => {
    expect(lv(s, key('k-all'), null, 'build.tools')).toBe('edit');
    expect(lv(s, key('k-all'), 'y', 'build.tools')).toBe('edit');
    expect(lv(s, key('k-all'), 'x', 'build.tools')).toBe('read'); // agent cap
    expect(lv(s, key('k-all'), null, 'channels.chat')).toBe('read'); // policy
    expect(lv(s, key('k-all'), null, 'build.agent')).toBe('none');
  });

  it('a scoped key answers only for its agent', () => {
    expect(lv(s, key('k-x'), 'x', 'build.flows')).toBe('edit');
    expect(lv(s, key('k-x'), 'x', 'deployments.environments')).toBe('read'); // builder cannot publish
    expect(lv(s, key('k-x'), 'y', 'build.flows')).toBe('none');
    expect(lv(s, key('k-x'), null, 'build.flows')).toBe('none');
    expect(explain(s, { subject: key('k-x'), agentId: 'y', permission: 'build.flows' }).reason).toBe(
      'api_key_scope',
    );
    expect(explain(s, { subject: key('k-x'), permission: 'build.flows' }).reason).toBe('api_key_scope');
  });

  it('a key scoped to an agent that does not exist answers none', () => {
    for (const p of PERMISSIONS) {
      expect(lv(s, key('k-ghost'), null, p)).toBe('none');
      expect(lv(s, key('k-ghost'), 'x', p)).toBe('none');
    }
  });

  it('an unknown key id answers none', () => {
    expect(lv(s, key('k-nope'), null, 'build.flows')).toBe('none');
    expect(explain(s, { subject: key('k-nope'), permission: 'build.flows' }).reason).toBe('unknown_api_key');
  });

  it('a key is never an admin: caps bind it even with a full grant', () => {
    const state = {
      ...s,
      apiKeys: new Map([['k', { apiKeyId: 'k', agentId: null, grant: { presetId: 'builder' } }]]),
    };
    expect(lv(state, key('k'), 'y', 'channels.chat')).toBe('none');
    expect(lv(state, key('k'), null, 'analytics.conversation_pii')).toBe('none');
  });
});

describe('allows', () => {
  it('compares with the needed level', () => {
    expect(
      allows(s, { subject: user('alice'), agentId: 'x', permission: 'build.knowledge', level: 'edit' }),
    ).toBe(true);
    expect(
      allows(s, { subject: user('alice'), agentId: 'x', permission: 'build.tools', level: 'edit' }),
    ).toBe(false);
    expect(
      allows(s, { subject: user('alice'), agentId: 'x', permission: 'build.tools', level: 'read' }),
    ).toBe(true);
    expect(
      allows(s, { subject: user('alice'), agentId: 'x', permission: 'sms' as Permission, level: 'none' }),
    ).toBe(true);
  });
});

describe('explain', () => {
  it('lists every grant with its level (why can Alice edit Knowledge on x?)', () => {
    expect(explain(s, { subject: user('alice'), agentId: 'x', permission: 'build.knowledge' })).toEqual({
      permission: 'build.knowledge',
      level: 'edit',
      uncapped: 'edit',
      grants: [
        { source: 'workspace_preset', presetId: 'read_only_reviewer', level: 'read' },
        { source: 'agent_matrix', agentId: 'x', level: 'edit' },
      ],
      cap: null,
      reason: null,
    });
  });

  it('names the cap that bound', () => {
    const e = explain(s, { subject: user('bob'), agentId: 'y', permission: 'channels.chat' });
    expect(e).toMatchObject({ level: 'none', uncapped: 'edit', reason: null });
    expect(e.cap?.source).toBe('cap:chat-y');
    const e2 = explain(s, { subject: user('carol'), agentId: 'x', permission: 'build.tools' });
    expect(e2.grants).toEqual([
      { source: 'workspace_matrix', level: 'none' },
      { source: 'agent_matrix', agentId: 'x', level: 'none' },
      { source: 'agent_admin', agentId: 'x', level: 'edit' },
    ]);
    expect(e2.cap?.source).toBe('cap:tools-x');
  });

  it('reports no cap when the cap does not lower the level', () => {
    const e = explain(s, { subject: user('alice'), permission: 'channels.chat' });
    expect(e).toMatchObject({ level: 'read', uncapped: 'read', cap: null });
  });

  it('explains admins and keys', () => {
    expect(explain(s, { subject: user('ada'), agentId: 'y', permission: 'channels.chat' })).toEqual({
      permission: 'channels.chat',
      level: 'edit',
      uncapped: 'edit',
      grants: [{ source: 'workspace_role_admin', level: 'edit' }],
      cap: null,
      reason: null,
    });
    expect(explain(s, { subject: key('k-x'), agentId: 'x', permission: 'build.flows' }).grants).toEqual([
      { source: 'api_key_preset', presetId: 'builder', level: 'edit' },
    ]);
  });

  it('effective gives one explanation per permission, equal to decide', () => {
    for (const subject of [user('alice'), user('carol'), user('bob'), key('k-all'), user('nobody')]) {
      for (const agentId of [null, 'x', 'y', 'z']) {
        const all = effective(s, subject, agentId);
        expect(all.map((e) => e.permission)).toEqual(PERMISSIONS);
        for (const e of all) expect(e.level).toBe(lv(s, subject, agentId, e.permission));
      }
    }
    expect(effectiveMatrix(s, user('alice'), 'x')['build.knowledge']).toBe('edit');
    expect(effectiveMatrix(s, user('alice'), 'y')).toEqual({});
  });
});

describe('named policies', () => {
  it('map to the caps of docs/rules.md §3', () => {
    const base = {
      ...s,
      caps: capsFromPolicies(['embedding_disabled', 'conversations_hidden', 'security_enforced'], []),
    };
    const full = {
      ...base,
      members: new Map([
        [
          'u',
          {
            userId: 'u',
            role: 'member' as const,
            agentAccess: 'all' as const,
            grant: { presetId: 'builder' },
          },
        ],
      ]),
    };
    expect(lv(full, user('u'), 'x', 'channels.chat')).toBe('read');
    expect(lv(full, user('u'), 'x', 'analytics.conversations')).toBe('none');
    expect(lv(full, user('u'), 'x', 'configure.security')).toBe('read');
    expect(lv(full, user('u'), 'x', 'configure.general')).toBe('edit');
    expect(BUILTIN_PRESETS.builder.matrix['configure.security']).toBe('edit');
  });

  it('capsFromPolicies names its sources and keeps generic caps', () => {
    const caps = capsFromPolicies(
      ['security_enforced', 'embedding_disabled', 'embedding_disabled'],
      [{ permission: 'build.tools', maxLevel: 'read', agentId: 'x', source: 'cap:1' }],
    );
    expect(caps).toEqual([
      { permission: 'channels.chat', maxLevel: 'read', agentId: null, source: 'policy:embedding_disabled' },
      {
        permission: 'configure.security',
        maxLevel: 'read',
        agentId: null,
        source: 'policy:security_enforced',
      },
      { permission: 'build.tools', maxLevel: 'read', agentId: 'x', source: 'cap:1' },
    ]);
  });
});
