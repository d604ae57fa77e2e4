import {
  AREAS,
  type Area,
  areaLevel,
  CATALOG_LABELS,
  type Matrix,
  type Permission,
  permissionsOf,
} from '@atrium/policy';
import { Badge, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { useAgents, useEffective, usePresets } from '../api/hooks';
import type { EffectiveItem, GrantContributionView } from '../api/types';
import { LEVEL_LABEL, LevelBadge } from './badges';
import { capSourceLabel } from './PermissionMatrix';
import { QueryPanel } from './QueryPanel';

const REASONS: Record<string, string> = {
  not_member: 'not a member of this workspace',
  unknown_agent: 'the agent does not exist here',
  no_agent_access: 'no access to this agent (no role on it, and not “all agents”)',
  unknown_api_key: 'unknown API key',
  api_key_scope: 'the key is scoped to another agent',
};

/** One grant in words: "Preset Knowledge editor → Edit". */
function grantText(
  g: GrantContributionView,
  names: { preset: (id: string) => string; agent: (id: string) => string },
): string {
  const level = LEVEL_LABEL[g.level];
  switch (g.source) {
    case 'workspace_role_admin':
      return `Workspace admin → ${level}`;
    case 'workspace_matrix':
      return `Workspace permissions → ${level}`;
    case 'workspace_preset':
      return `Workspace preset “${names.preset(g.presetId ?? '')}” → ${level}`;
    case 'agent_matrix':
      return `Permissions on ${names.agent(g.agentId ?? '')} → ${level}`;
    case 'agent_preset':
      return `Preset “${names.preset(g.presetId ?? '')}” on ${names.agent(g.agentId ?? '')} → ${level}`;
    case 'agent_admin':
      return `Agent admin of ${names.agent(g.agentId ?? '')} → ${level}`;
    default:
      return `${g.source.replace(/_/g, ' ')} → ${level}`;
  }
}

function Why({ item, names }: { item: EffectiveItem; names: Parameters<typeof grantText>[1] }) {
  const e = item.explanation;
  if (e.reason) return <Text fz="xs">{REASONS[e.reason] ?? e.reason}</Text>;
  const giving = e.grants.filter((g) => g.level !== 'none');
  return (
    <Stack gap={2}>
      {giving.length === 0 ? (
        <Text fz="xs" c="dimmed">
          No grant gives this item
        </Text>
      ) : (
        giving.map((g) => (
          <Text fz="xs" key={`${g.source}:${g.agentId ?? ''}:${g.presetId ?? ''}`}>
            {grantText(g, names)}
          </Text>
        ))
      )}
      {e.cap && (
        <Group gap={4} wrap="nowrap">
          <IconLock size={12} color="var(--mantine-color-orange-7)" aria-hidden="true" />
          <Text fz="xs" c="orange.8">
            Capped at {LEVEL_LABEL[e.cap.maxLevel]} by {capSourceLabel(e.cap.source)}
            {e.uncapped && e.uncapped !== item.level ? ` (would be ${LEVEL_LABEL[e.uncapped]})` : ''}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

/**
 * Effective access, explained (docs/rules.md §3): per item, the final level and why —
 * every grant that gives it and the policy cap that lowered it — from GET
 * …/members/:userId/effective, workspace-wide or on one agent.
 */
export function EffectiveView({ workspaceId, userId }: { workspaceId: string; userId: string }) {
  const [agentId, setAgentId] = useState<string | null>(null);
  const agents = useAgents(workspaceId);
  const presets = usePresets(workspaceId);
  const effective = useEffective(workspaceId, userId, agentId);
  const names = {
    preset: (id: string) => presets.data?.find((p) => p.id === id)?.name ?? id,
    agent: (id: string) => agents.data?.find((a) => a.id === id)?.name ?? 'the agent',
  };
  const byPerm = new Map<Permission, EffectiveItem>(
    (effective.data?.items ?? []).map((e) => [e.permission, e]),
  );
  const matrix: Matrix = Object.fromEntries([...byPerm].map(([p, e]) => [p, e.level]));

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Select
          label="Access on"
          value={agentId ?? ''}
          onChange={(v) => setAgentId(v ? v : null)}
          allowDeselect={false}
          data={[
            { value: '', label: 'The workspace (no agent)' },
            ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
          ]}
          w={300}
        />
        {effective.data?.revision !== undefined && (
          <Badge variant="outline" color="gray" title="The workspace revision this answer reflects">
            revision {effective.data.revision}
          </Badge>
        )}
      </Group>
      <QueryPanel query={effective} skeleton={{ h: 200 }}>
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Table verticalSpacing={6} aria-label="Effective access" data-testid="effective-access">
            <Table.Thead bg="gray.0">
              <Table.Tr>
                <Table.Th w="28%">Item</Table.Th>
                <Table.Th w={90}>Level</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            {AREAS.map((area: Area) => (
              <Table.Tbody key={area}>
                <Table.Tr bg="gray.0">
                  <Table.Td colSpan={3}>
                    <Group gap="xs">
                      <Text fw={700} fz="sm">
                        {CATALOG_LABELS.areas[area].label}
                      </Text>
                      <LevelBadge level={areaLevel(matrix, area)} size="xs" />
                    </Group>
                  </Table.Td>
                </Table.Tr>
                {permissionsOf(area).map((p) => {
                  const e = byPerm.get(p);
                  return (
                    <Table.Tr key={p} data-effective={p} data-level={e?.level ?? 'none'}>
                      <Table.Td pl="lg">
                        <Text fz="sm">{CATALOG_LABELS.items[p].label}</Text>
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={e?.level ?? 'none'} size="sm" />
                      </Table.Td>
                      <Table.Td>{e ? <Why item={e} names={names} /> : null}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            ))}
          </Table>
        </Paper>
      </QueryPanel>
    </Stack>
  );
}
