/**
 * TanStack Query hooks for every resource the console shows. Query keys start
 * with the workspace id so one `invalidateWorkspace(ws)` after a write
 * refreshes everything that write could have changed (docs/rules.md §3: changes take
 * effect at once, and the console shows them at once). Each list reads its
 * own field of the typed answer (`members`, `agents`, …).
 *
 * @module
 */
import { BUILTIN_PRESET_IDS, BUILTIN_PRESETS } from '@atrium/policy';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { queryClient } from './queryClient';
import type { paths } from './schema';
import type {
  Agent,
  AgentMember,
  ApiKey,
  EffectiveItem,
  Invitation,
  Member,
  MemberListItem,
  Policies,
  PresetVersion,
  PresetView,
  Workspace,
  WorkspaceListItem,
} from './types';

/** Refreshes every query of a workspace (after any write to it). */
export function invalidateWorkspace(workspaceId: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: ['ws', workspaceId] }),
    queryClient.invalidateQueries({ queryKey: ['workspaces'] }),
  ]).then(() => undefined);
}

export function useWorkspaces(enabled = true) {
  return useQuery({
    queryKey: ['workspaces'],
    queryFn: async (): Promise<WorkspaceListItem[]> => (await api.GET('/v1/workspaces')).workspaces,
    enabled,
  });
}

export function useWorkspace(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'workspace'],
    queryFn: (): Promise<Workspace> =>
      api.GET('/v1/workspaces/{workspaceId}', { params: { path: { workspaceId } } }),
  });
}

/** The search and role filter of the members list. */
export type MemberFilter = Pick<
  NonNullable<paths['/v1/workspaces/{workspaceId}/members']['get']['parameters']['query']>,
  'q' | 'role'
>;

export function useMembers(workspaceId: string, filter: MemberFilter = {}) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'members', filter],
    queryFn: async (): Promise<MemberListItem[]> =>
      (
        await api.GET('/v1/workspaces/{workspaceId}/members', {
          params: { path: { workspaceId }, query: { q: filter.q, role: filter.role, limit: 100 } },
        })
      ).members,
    placeholderData: (prev) => prev,
  });
}

export function useMember(workspaceId: string, userId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'member', userId],
    queryFn: (): Promise<Member> =>
      api.GET('/v1/workspaces/{workspaceId}/members/{userId}', { params: { path: { workspaceId, userId } } }),
  });
}

export function useAgents(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agents'],
    queryFn: async (): Promise<Agent[]> =>
      (await api.GET('/v1/workspaces/{workspaceId}/agents', { params: { path: { workspaceId } } })).agents,
  });
}

export function useAgent(workspaceId: string, agentId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agent', agentId],
    queryFn: (): Promise<Agent> =>
      api.GET('/v1/workspaces/{workspaceId}/agents/{agentId}', {
        params: { path: { workspaceId, agentId } },
      }),
  });
}

export function useAgentMembers(workspaceId: string, agentId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agent', agentId, 'members'],
    queryFn: async (): Promise<AgentMember[]> =>
      (
        await api.GET('/v1/workspaces/{workspaceId}/agents/{agentId}/members', {
          params: { path: { workspaceId, agentId } },
        })
      ).members,
    enabled,
  });
}

/** What a preset picker needs of a preset. */
export type PresetChoice = Pick<PresetView, 'id' | 'name' | 'description' | 'matrix' | 'builtin'>;

/** The built-in presets from @atrium/policy (used while the workspace's list loads). */
export const BUILTIN_PRESET_VIEWS: PresetChoice[] = BUILTIN_PRESET_IDS.map((id) => ({
  ...BUILTIN_PRESETS[id],
  builtin: true,
}));

export function usePresets(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'presets'],
    queryFn: async (): Promise<PresetView[]> =>
      (await api.GET('/v1/workspaces/{workspaceId}/presets', { params: { path: { workspaceId } } })).presets,
    staleTime: 30_000,
  });
}

export function usePresetVersions(workspaceId: string, presetId: string | null) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'preset', presetId, 'versions'],
    queryFn: async (): Promise<PresetVersion[]> =>
      (
        await api.GET('/v1/workspaces/{workspaceId}/presets/{id}/versions', {
          params: { path: { workspaceId, id: presetId ?? '' } },
        })
      ).versions,
    enabled: presetId !== null,
  });
}

export function usePolicies(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'policies'],
    queryFn: (): Promise<Policies> =>
      api.GET('/v1/workspaces/{workspaceId}/policies', { params: { path: { workspaceId } } }),
  });
}

export function useInvitations(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'invitations'],
    queryFn: async (): Promise<Invitation[]> =>
      (
        await api.GET('/v1/workspaces/{workspaceId}/invitations', {
          params: { path: { workspaceId }, query: { status: 'pending' } },
        })
      ).invitations,
    enabled,
  });
}

/** A member's effective access: every item of every area, with its explanation, and the revision decided on. */
export interface Effective {
  items: EffectiveItem[];
  revision: number;
}

/** GET …/members/:userId/effective: every item's level with its explanation (docs/rules.md §3 "explained"). */
export function useEffective(workspaceId: string, userId: string | null, agentId: string | null) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'effective', userId, agentId],
    queryFn: async (): Promise<Effective> => {
      const res = await api.GET('/v1/workspaces/{workspaceId}/members/{userId}/effective', {
        params: { path: { workspaceId, userId: userId ?? '' }, query: { agentId: agentId ?? undefined } },
      });
      return { items: res.areas.flatMap((a) => a.items), revision: res.revision };
    },
    enabled: userId !== null,
  });
}

export function useApiKeys(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'api-keys'],
    queryFn: async (): Promise<ApiKey[]> =>
      (await api.GET('/v1/workspaces/{workspaceId}/api-keys', { params: { path: { workspaceId } } })).apiKeys,
    enabled,
  });
}

/** The filters of the activity log (everything but paging). */
export type ActivityFilter = Omit<
  paths['/v1/workspaces/{workspaceId}/activity']['get']['parameters']['query'],
  'cursor' | 'limit'
>;

export function useActivity(
  workspaceId: string,
  filter: ActivityFilter,
  cursor: string | null,
  enabled = true,
) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'activity', filter, cursor],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/activity', {
        params: { path: { workspaceId }, query: { ...filter, cursor: cursor ?? undefined, limit: 50 } },
      }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function useActivityVerify(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'activity-verify'],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/activity/verify', { params: { path: { workspaceId } } }),
    enabled,
  });
}
