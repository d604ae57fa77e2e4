/**
 * TanStack Query hooks for every resource the console shows. Query keys start
 * with the workspace id so one `invalidateWorkspace(ws)` after a write
 * refreshes everything that write could have changed (docs/rules.md §3: changes take
 * effect at once, and the console shows them at once).
 *
 * @module
 */
import { BUILTIN_PRESET_IDS, BUILTIN_PRESETS, type Matrix } from '@atrium/policy';
import { useQuery } from '@tanstack/react-query';
import { api, listOf, type Query } from './client';
import { queryClient } from './queryClient';
import type {
  ActivityEntry,
  Agent,
  AgentMember,
  ApiKey,
  ExplanationView,
  Invitation,
  Member,
  Policies,
  PresetVersion,
  PresetView,
  Workspace,
} from './types';

const ws = (id: string) => `/v1/workspaces/${encodeURIComponent(id)}`;

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
    queryFn: async () => listOf<Workspace>(await api('/v1/workspaces'), 'workspaces'),
    enabled,
  });
}

export function useWorkspace(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'workspace'],
    queryFn: () => api<Workspace>(ws(workspaceId)),
  });
}

export interface MemberFilter {
  q?: string;
  role?: string;
}

export function useMembers(workspaceId: string, filter: MemberFilter = {}) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'members', filter],
    queryFn: async () => {
      const res = await api<{ members?: Member[]; nextCursor?: string | null }>(
        `${ws(workspaceId)}/members`,
        {
          query: { q: filter.q, role: filter.role, limit: 100 },
        },
      );
      return listOf<Member>(res, 'members');
    },
    placeholderData: (prev) => prev,
  });
}

export function useMember(workspaceId: string, userId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'member', userId],
    queryFn: async () => {
      const res = await api<Member | { member: Member }>(
        `${ws(workspaceId)}/members/${encodeURIComponent(userId)}`,
      );
      return 'member' in res && res.member ? res.member : (res as Member);
    },
  });
}

export function useAgents(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agents'],
    queryFn: async () => listOf<Agent>(await api(`${ws(workspaceId)}/agents`), 'agents'),
  });
}

export function useAgent(workspaceId: string, agentId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agent', agentId],
    queryFn: async () => {
      const res = await api<Agent | { agent: Agent }>(
        `${ws(workspaceId)}/agents/${encodeURIComponent(agentId)}`,
      );
      return 'agent' in res && res.agent ? res.agent : (res as Agent);
    },
  });
}

export function useAgentMembers(workspaceId: string, agentId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'agent', agentId, 'members'],
    queryFn: async () =>
      listOf<AgentMember>(
        await api(`${ws(workspaceId)}/agents/${encodeURIComponent(agentId)}/members`),
        'members',
      ),
    enabled,
  });
}

/** The built-in presets from @atrium/policy, as views (used until / unless the API lists them). */
export const BUILTIN_PRESET_VIEWS: PresetView[] = BUILTIN_PRESET_IDS.map((id) => ({
  ...BUILTIN_PRESETS[id],
  matrix: BUILTIN_PRESETS[id].matrix as Matrix,
  builtin: true,
}));

/** Whether a preset is one of the read-only built-ins. */
export function isBuiltin(p: PresetView): boolean {
  return p.builtin === true || p.builtIn === true || p.kind === 'builtin';
}

export function usePresets(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'presets'],
    queryFn: async () => {
      const res = await api<unknown>(`${ws(workspaceId)}/presets`);
      const o = (res ?? {}) as Record<string, unknown>;
      // Either one list (built-ins flagged) or { builtin: [...], custom: [...] }.
      if (Array.isArray(o.builtin) || Array.isArray(o.custom)) {
        const builtin = listOf<PresetView>(o.builtin).map((p) => ({ ...p, builtin: true }));
        const custom = listOf<PresetView>(o.custom).map((p) => ({ ...p, builtin: false }));
        return [...builtin, ...custom];
      }
      return listOf<PresetView>(res, 'presets');
    },
    staleTime: 30_000,
  });
}

export function usePresetVersions(workspaceId: string, presetId: string | null) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'preset', presetId, 'versions'],
    queryFn: async () =>
      listOf<PresetVersion>(
        await api(`${ws(workspaceId)}/presets/${encodeURIComponent(presetId ?? '')}/versions`),
        'versions',
      ),
    enabled: presetId !== null,
  });
}

export function usePolicies(workspaceId: string) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'policies'],
    queryFn: () => api<Policies>(`${ws(workspaceId)}/policies`),
  });
}

export function useInvitations(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'invitations'],
    queryFn: async () =>
      listOf<Invitation>(
        await api(`${ws(workspaceId)}/invitations`, { query: { status: 'pending' } }),
        'invitations',
      ),
    enabled,
  });
}

/** GET …/members/:userId/effective: every item's level with its explanation (docs/rules.md §3 "explained"). */
export interface Effective {
  items: ExplanationView[];
  revision?: number;
}

function flattenEffective(res: unknown): Effective {
  const o = (res ?? {}) as Record<string, unknown>;
  const revision = typeof o.revision === 'number' ? o.revision : undefined;
  // { areas: [{ area, level, items: [{ permission, level, explanation: { grants, cap, … } }] }] }
  const areas = listOf<Record<string, unknown>>(o.areas);
  const items = areas.flatMap((a) =>
    listOf<ExplanationView & { explanation?: Partial<ExplanationView> }>(a.items).map((i) => ({
      ...i,
      ...(i.explanation ?? {}),
      permission: i.permission,
      level: i.level,
      grants: i.explanation?.grants ?? i.grants ?? [],
    })),
  );
  return { items, revision };
}

export function useEffective(workspaceId: string, userId: string | null, agentId: string | null) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'effective', userId, agentId],
    queryFn: async () =>
      flattenEffective(
        await api(`${ws(workspaceId)}/members/${encodeURIComponent(userId ?? '')}/effective`, {
          query: { agentId },
        }),
      ),
    enabled: userId !== null,
  });
}

export function useApiKeys(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'api-keys'],
    queryFn: async () => listOf<ApiKey>(await api(`${ws(workspaceId)}/api-keys`), 'apiKeys', 'keys'),
    enabled,
  });
}

export interface ActivityPage {
  entries: ActivityEntry[];
  nextCursor: string | null;
}

export function useActivity(workspaceId: string, filter: Query, cursor: string | null, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'activity', filter, cursor],
    queryFn: async (): Promise<ActivityPage> => {
      const res = await api<Record<string, unknown>>(`${ws(workspaceId)}/activity`, {
        query: { ...filter, cursor, limit: 50 },
      });
      return {
        entries: listOf<ActivityEntry>(res, 'entries', 'activity'),
        nextCursor: typeof res?.nextCursor === 'string' ? res.nextCursor : null,
      };
    },
    placeholderData: (prev) => prev,
    enabled,
  });
}

export interface ChainStatus {
  ok?: boolean;
  intact?: boolean;
  valid?: boolean;
  checked?: number;
  entries?: number;
  firstBad?: { seq: number; id: string; reason: string } | null;
  brokenAt?: { seq: number; id: string; reason: string } | null;
}

export function useActivityVerify(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: ['ws', workspaceId, 'activity-verify'],
    queryFn: () => api<ChainStatus>(`${ws(workspaceId)}/activity/verify`),
    enabled,
  });
}

export { ws as workspacePath };
