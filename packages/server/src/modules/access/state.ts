import {
  type AgentMemberState,
  type AgentState,
  type ApiKeyState,
  type Cap,
  capsFromPolicies,
  isPermission,
  type Matrix,
  type MemberState,
  NAMED_POLICIES,
  type NamedPolicy,
  type WorkspaceState,
} from '@atrium/policy';
import { type Kysely, sql } from 'kysely';
import { KEY_OWNER_VOUCHES } from '../../auth/api-keys';
import type { DB } from '../../db/schema';

interface StateRow {
  revision: number | string;
  members: {
    user_id: string;
    role: 'admin' | 'member';
    agent_access: 'all' | 'assigned';
    matrix: unknown;
    preset_id: string | null;
  }[];
  agents: { id: string }[];
  agent_members: {
    agent_id: string;
    user_id: string;
    role: 'agent_admin' | 'agent_user';
    matrix: unknown;
    preset_id: string | null;
  }[];
  keys: { id: string; matrix: unknown; preset_id: string | null; agent_id: string | null }[];
  presets: { id: string; matrix: unknown }[];
  named: unknown;
  caps: { id: string; permission: string; max_level: 'none' | 'read' | 'edit'; agent_id: string | null }[];
}

/** jsonb inside json_agg arrives parsed on both backends; a bare text value (older rows) is parsed here. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Loads everything the decision needs about one workspace: its members,
 * agents, live API keys (not revoked, not expired, and vouched for by their
 * owner — a service key, or a creator still an admin: docs/rules.md §4
 * "API keys"), presets and policies. Returns null when
 * the workspace does not exist. Loading is kept apart from deciding: the
 * permission engine (`@atrium/policy`) is pure.
 *
 * One SQL statement: one snapshot (so the state is exactly the revision it
 * carries, which the cache relies on — docs/rules.md §3) and one round trip (the
 * reload after a change is on the path from a revoke to every instance
 * denying, see docs/performance.md).
 */
export async function loadWorkspaceState(
  db: Kysely<DB>,
  workspaceId: string,
): Promise<WorkspaceState | null> {
  const result = await sql<StateRow>`
    SELECT w.revision,
      (SELECT coalesce(json_agg(json_build_object('user_id', m.user_id, 'role', m.role,
          'agent_access', m.agent_access, 'matrix', m.matrix, 'preset_id', m.preset_id)), '[]')
        FROM workspace_members m WHERE m.workspace_id = w.id) AS members,
      (SELECT coalesce(json_agg(json_build_object('id', a.id) ORDER BY a.created_at, a.id), '[]')
        FROM agents a WHERE a.workspace_id = w.id) AS agents,
      (SELECT coalesce(json_agg(json_build_object('agent_id', am.agent_id, 'user_id', am.user_id,
          'role', am.role, 'matrix', am.matrix, 'preset_id', am.preset_id)), '[]')
        FROM agent_members am WHERE am.workspace_id = w.id) AS agent_members,
      (SELECT coalesce(json_agg(json_build_object('id', k.id, 'matrix', k.matrix,
          'preset_id', k.preset_id, 'agent_id', k.agent_id)), '[]')
        FROM api_keys k WHERE k.workspace_id = w.id AND k.revoked_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > now()) AND ${KEY_OWNER_VOUCHES}) AS keys,
      (SELECT coalesce(json_agg(json_build_object('id', p.id, 'matrix', p.matrix)), '[]')
        FROM presets p WHERE p.workspace_id = w.id) AS presets,
      (SELECT wp.named FROM workspace_policies wp WHERE wp.workspace_id = w.id) AS named,
      (SELECT coalesce(json_agg(json_build_object('id', c.id, 'permission', c.permission,
          'max_level', c.max_level, 'agent_id', c.agent_id) ORDER BY c.created_at, c.id), '[]')
        FROM policy_caps c WHERE c.workspace_id = w.id) AS caps
    FROM workspaces w WHERE w.id = ${workspaceId}`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const members = json<StateRow['members']>(row.members);
  const agents = json<StateRow['agents']>(row.agents);
  const agentMembers = json<StateRow['agent_members']>(row.agent_members);
  const keys = json<StateRow['keys']>(row.keys);
  const presets = json<StateRow['presets']>(row.presets);
  const caps = json<StateRow['caps']>(row.caps);
  const policies = row.named === null || row.named === undefined ? null : { named: json<unknown>(row.named) };

  const memberMap = new Map<string, MemberState>();
  for (const m of members) {
    memberMap.set(m.user_id, {
      userId: m.user_id,
      role: m.role,
      agentAccess: m.agent_access,
      grant: { matrix: (m.matrix as Matrix | null) ?? null, presetId: m.preset_id },
    });
  }
  const agentMap = new Map<string, AgentState & { members: Map<string, AgentMemberState> }>();
  for (const a of agents) agentMap.set(a.id, { agentId: a.id, members: new Map() });
  for (const am of agentMembers) {
    agentMap.get(am.agent_id)?.members.set(am.user_id, {
      userId: am.user_id,
      role: am.role,
      grant: { matrix: (am.matrix as Matrix | null) ?? null, presetId: am.preset_id },
    });
  }
  const keyMap = new Map<string, ApiKeyState>();
  for (const k of keys) {
    keyMap.set(k.id, {
      apiKeyId: k.id,
      agentId: k.agent_id,
      grant: { matrix: (k.matrix as Matrix | null) ?? null, presetId: k.preset_id },
    });
  }
  const named = ((policies?.named ?? []) as string[]).filter((n): n is NamedPolicy =>
    (NAMED_POLICIES as readonly string[]).includes(n),
  );
  const generic: Cap[] = caps
    .filter((c) => isPermission(c.permission))
    .map((c) => ({
      permission: c.permission as Cap['permission'],
      maxLevel: c.max_level,
      agentId: c.agent_id,
      source: `cap:${c.id}`,
    }));
  return {
    workspaceId,
    revision: Number(row.revision),
    members: memberMap,
    agents: agentMap,
    apiKeys: keyMap,
    presets: new Map(presets.map((p) => [p.id, p.matrix as Matrix])),
    caps: capsFromPolicies(named, generic),
  };
}
