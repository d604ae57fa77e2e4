import {
  AREAS,
  areaOf,
  CATALOG_LABELS,
  isPermission,
  type Level,
  NAMED_POLICIES,
  NAMED_POLICY_CAPS,
  type NamedPolicy,
  permissionsOf,
} from '@atrium/policy';
import {
  ActionIcon,
  Button,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage, type RequestBodyOf } from '../../../api/client';
import { invalidateWorkspace, useAgents, usePolicies } from '../../../api/hooks';
import { LEVEL_LABEL, LevelBadge } from '../../../components/badges';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { enabledPolicies } from '../../../components/policyCaps';

const POLICY_TEXT: Record<NamedPolicy, { title: string; description: string }> = {
  embedding_disabled: {
    title: 'Disable embedding and sharing',
    description: 'Nobody but admins can change chat widgets, share links or embedding (Chat capped at Read).',
  },
  conversations_hidden: {
    title: 'Hide conversations',
    description: 'Transcripts are hidden from everyone but admins (Conversations capped at None).',
  },
  security_enforced: {
    title: 'Enforce security settings',
    description: 'Security and privacy settings are set by admins only (Security capped at Read).',
  },
};

const PERMISSION_OPTIONS = AREAS.map((area) => ({
  group: CATALOG_LABELS.areas[area].label,
  items: permissionsOf(area).map((p) => ({
    value: p,
    label: `${CATALOG_LABELS.areas[area].label} · ${CATALOG_LABELS.items[p].label}`,
  })),
}));

/** An item's label (`Build · Knowledge`), or the name itself when the catalog does not know it. */
function permissionLabel(p: string): string {
  if (!isPermission(p)) return p;
  return `${CATALOG_LABELS.areas[areaOf(p)].label} · ${CATALOG_LABELS.items[p].label}`;
}

/** One cap as PUT …/policies takes it. */
type CapInput = RequestBodyOf<'/v1/workspaces/{workspaceId}/policies', 'put'>['caps'][number];

/** Policies (docs/rules.md §3): named policies and generic caps that bind everyone but workspace admins. */
export function PoliciesPanel({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
  const policies = usePolicies(workspaceId);
  const agents = useAgents(workspaceId);
  const [busy, setBusy] = useState(false);
  const [perm, setPerm] = useState<string | null>(null);
  const [maxLevel, setMaxLevel] = useState<Level>('read');
  const [agentId, setAgentId] = useState<string>('');

  if (policies.isPending) return <Skeleton h={200} />;
  if (policies.error) return <ErrorAlert error={policies.error} onRetry={() => policies.refetch()} />;
  const named = enabledPolicies(policies.data);
  const caps = policies.data.caps;

  async function save(nextNamed: NamedPolicy[], nextCaps: CapInput[], what: string) {
    setBusy(true);
    try {
      const res = await api.PUT('/v1/workspaces/{workspaceId}/policies', {
        params: { path: { workspaceId } },
        body: {
          named: nextNamed,
          caps: nextCaps.map((c) => ({
            permission: c.permission,
            maxLevel: c.maxLevel,
            agentId: c.agentId ?? null,
          })),
        },
      });
      notifications.show({
        color: 'green',
        title: what,
        message: `In effect now for everyone but admins (revision ${res.revision}).`,
      });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save the policies', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg">
        Policies
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        Caps on what members can get, whatever their permissions or presets say. They bind agent admins too;
        workspace admins are never capped.
      </Text>
      <Stack gap="sm">
        {NAMED_POLICIES.map((n) => (
          <Switch
            key={n}
            checked={named.includes(n)}
            disabled={!editable || busy}
            label={POLICY_TEXT[n].title}
            description={POLICY_TEXT[n].description}
            onChange={(e) =>
              save(
                e.currentTarget.checked ? [...named, n] : named.filter((x) => x !== n),
                caps,
                `${POLICY_TEXT[n].title}: ${e.currentTarget.checked ? 'on' : 'off'}`,
              )
            }
            data-policy={n}
          />
        ))}
      </Stack>
      <Title order={3} fz="md" mt="lg" mb="xs">
        Caps
      </Title>
      {caps.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No other caps.
        </Text>
      ) : (
        <Table verticalSpacing={6} aria-label="Caps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th>At most</Table.Th>
              <Table.Th>Applies to</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {caps.map((c, i) => (
              <Table.Tr key={c.id} data-cap={c.permission}>
                <Table.Td>
                  <Text fz="sm">{permissionLabel(c.permission)}</Text>
                </Table.Td>
                <Table.Td>
                  <LevelBadge level={c.maxLevel} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">
                    {c.agentId
                      ? (agents.data?.find((a) => a.id === c.agentId)?.name ?? 'One agent')
                      : 'Every agent'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {editable && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove the cap on ${c.permission}`}
                      disabled={busy}
                      onClick={() =>
                        save(
                          named,
                          caps.filter((_, j) => j !== i),
                          'Cap removed',
                        )
                      }
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editable && (
        <Group mt="sm" align="flex-end">
          <Select
            label="Cap an item"
            placeholder="Choose an item"
            searchable
            value={perm}
            onChange={setPerm}
            data={PERMISSION_OPTIONS}
            w={300}
          />
          <Select
            label="At most"
            value={maxLevel}
            onChange={(v) => setMaxLevel(v ?? 'read')}
            allowDeselect={false}
            data={[
              { value: 'none', label: 'None' },
              { value: 'read', label: 'Read' },
            ]}
            w={110}
          />
          <Select
            label="Applies to"
            value={agentId}
            onChange={(v) => setAgentId(v ?? '')}
            allowDeselect={false}
            data={[
              { value: '', label: 'Every agent' },
              ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
            ]}
            w={200}
          />
          <Button
            leftSection={<IconPlus size={16} />}
            disabled={!perm || busy}
            onClick={() =>
              perm &&
              save(
                named,
                [...caps, { permission: perm, maxLevel, agentId: agentId || null }],
                'Cap added',
              ).then(() => setPerm(null))
            }
          >
            Add cap
          </Button>
        </Group>
      )}
      <Text fz="xs" c="dimmed" mt="sm">
        Named policies stand for these caps:{' '}
        {NAMED_POLICIES.map(
          (n) =>
            `${CATALOG_LABELS.items[NAMED_POLICY_CAPS[n].permission].label} ≤ ${LEVEL_LABEL[NAMED_POLICY_CAPS[n].maxLevel]}`,
        ).join(', ')}
        .
      </Text>
    </Paper>
  );
}
