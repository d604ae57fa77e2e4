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
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/**
 * Loads everything the decision needs about one workspace, in one read
 * snapshot. Returns null when the workspace does not exist. Loading is kept
 * apart from deciding: the permission engine (`@atrium/policy`) is pure.
 */
export async function loadWorkspaceState(
  db: Kysely<DB>,
  workspaceId: string,
): Promise<WorkspaceState | null> {
  // REPEATABLE READ: every table read from the same snapshot, so the state is
  // exactly the revision it carries (the cache relies on that label, SPEC §3).
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const ws = await tx
        .selectFrom('workspaces')
        .select(['id', 'revision'])
        .where('id', '=', workspaceId)
        .executeTakeFirst();
      if (!ws) return null;
      const [members, agents, agentMembers, keys, presets, policies, caps] = await Promise.all([
        tx
          .selectFrom('workspace_members')
          .select(['user_id', 'role', 'agent_access', 'matrix', 'preset_id'])
          .where('workspace_id', '=', workspaceId)
          .execute(),
        tx.selectFrom('agents').select(['id']).where('workspace_id', '=', workspaceId).execute(),
        tx
          .selectFrom('agent_members')
          .select(['agent_id', 'user_id', 'role', 'matrix', 'preset_id'])
          .where('workspace_id', '=', workspaceId)
          .execute(),
        tx
          .selectFrom('api_keys')
          .select(['id', 'matrix', 'preset_id', 'agent_id'])
          .where('workspace_id', '=', workspaceId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
          .execute(),
        tx.selectFrom('presets').select(['id', 'matrix']).where('workspace_id', '=', workspaceId).execute(),
        tx
          .selectFrom('workspace_policies')
          .select(['named'])
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirst(),
        tx
          .selectFrom('policy_caps')
          .select(['id', 'permission', 'max_level', 'agent_id'])
          .where('workspace_id', '=', workspaceId)
          .execute(),
      ]);

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
        revision: Number(ws.revision),
        members: memberMap,
        agents: agentMap,
        apiKeys: keyMap,
        presets: new Map(presets.map((p) => [p.id, p.matrix as Matrix])),
        caps: capsFromPolicies(named, generic),
      };
    });
}
