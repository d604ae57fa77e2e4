import {
  AREAS,
  areaOf,
  CATALOG_LABELS,
  isPermission,
  type Level,
  type Matrix,
  NAMED_POLICIES,
  NAMED_POLICY_CAPS,
  type NamedPolicy,
  permissionsOf,
  toMatrixInput,
} from '@atrium/policy';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconEye, IconHistory, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage, fieldError, type RequestBodyOf } from '../../api/client';
import { invalidateWorkspace, useAgents, usePolicies, usePresets, usePresetVersions } from '../../api/hooks';
import type { PresetView } from '../../api/types';
import { AccessSummary } from '../../components/AccessSummary';
import { LEVEL_LABEL, LevelBadge } from '../../components/badges';
import { ConfirmTyped } from '../../components/ConfirmTyped';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime } from '../../components/format';
import { PermissionMatrix } from '../../components/PermissionMatrix';
import { enabledPolicies } from '../../components/policyCaps';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useWorkspaceContext } from './WorkspaceLayout';

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
function PoliciesPanel({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
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

function PresetEditor({
  workspaceId,
  preset,
  copyFrom,
  onClose,
}: {
  workspaceId: string;
  preset: PresetView | null;
  copyFrom: PresetView | null;
  onClose: () => void;
}) {
  const source = preset ?? copyFrom;
  const [name, setName] = useState(preset?.name ?? (copyFrom ? `${copyFrom.name} (custom)` : ''));
  const [description, setDescription] = useState(source?.description ?? '');
  const [matrix, setMatrix] = useState<Matrix>(source?.matrix ?? {});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), description, matrix: toMatrixInput(matrix) };
      if (preset)
        await api.PATCH('/v1/workspaces/{workspaceId}/presets/{id}', {
          params: { path: { workspaceId, id: preset.id } },
          body,
        });
      else
        await api.POST('/v1/workspaces/{workspaceId}/presets', { params: { path: { workspaceId } }, body });
      notifications.show({
        color: 'green',
        title: preset ? `${name} saved as a new version` : `${name} created`,
        message: preset
          ? 'Everyone linked to it has the new permissions now.'
          : 'Link members to it from the Users tab.',
      });
      await invalidateWorkspace(workspaceId);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened onClose={onClose} title={preset ? `Edit ${preset.name}` : 'New custom preset'} size="xl">
      <Stack>
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(error, 'name')}
            data-autofocus
          />
          <Textarea
            label="Description"
            autosize
            minRows={1}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </Group>
        <PermissionMatrix value={matrix} onChange={setMatrix} label="Preset permissions" />
        {preset && (
          <Text fz="xs" c="dimmed">
            Saving keeps the current version and creates version {(preset.version ?? 1) + 1}; every member,
            agent user and key linked to this preset changes at once.
          </Text>
        )}
        <ErrorAlert error={error} title="Could not save the preset" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={busy} disabled={!name.trim()} onClick={save}>
            {preset ? 'Save new version' : 'Create preset'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function VersionsDialog({
  workspaceId,
  preset,
  onClose,
}: {
  workspaceId: string;
  preset: PresetView;
  onClose: () => void;
}) {
  const versions = usePresetVersions(workspaceId, preset.id);
  const list = versions.data ?? [];
  const latest = preset.version;
  const [from, setFrom] = useState<string | null>(latest > 1 ? String(latest - 1) : null);
  const [to, setTo] = useState<string | null>(String(latest));
  const compare = useQuery({
    queryKey: ['ws', workspaceId, 'preset', preset.id, 'compare', from, to],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/presets/{id}/compare', {
        params: { path: { workspaceId, id: preset.id }, query: { from: Number(from), to: Number(to) } },
      }),
    enabled: from !== null && to !== null && from !== to,
  });
  const options = list.map((v) => ({
    value: String(v.version),
    label: `Version ${v.version} · ${dateTime(v.createdAt)}`,
  }));
  return (
    <Modal opened onClose={onClose} title={`Versions of ${preset.name}`} size="lg">
      <Stack>
        {versions.isPending ? (
          <Skeleton h={80} />
        ) : versions.error ? (
          <ErrorAlert error={versions.error} />
        ) : (
          <Group grow>
            <Select label="Compare" value={from} onChange={setFrom} data={options} />
            <Select label="With" value={to} onChange={setTo} data={options} />
          </Group>
        )}
        {from === to && (
          <Text fz="sm" c="dimmed">
            Choose two different versions.
          </Text>
        )}
        {compare.error && <ErrorAlert error={compare.error} />}
        {compare.data && (
          <>
            {compare.data.name.before !== compare.data.name.after && (
              <Text fz="sm">
                Renamed from <b>{compare.data.name.before}</b> to <b>{compare.data.name.after}</b>.
              </Text>
            )}
            {compare.data.changes.length === 0 ? (
              <Text fz="sm" c="dimmed">
                Same permissions in both versions.
              </Text>
            ) : (
              <Table aria-label="Differences between the versions">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Item</Table.Th>
                    <Table.Th>Version {from}</Table.Th>
                    <Table.Th>Version {to}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {compare.data.changes.map((c) => (
                    <Table.Tr key={c.permission}>
                      <Table.Td>
                        <Text fz="sm">
                          {isPermission(c.permission)
                            ? CATALOG_LABELS.items[c.permission].label
                            : c.permission}
                        </Text>
                        <Text fz="xs" c="dimmed">
                          {c.permission}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={c.before} />
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={c.after} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </Stack>
    </Modal>
  );
}

/** Built-in presets (read-only, copyable) and custom presets (versioned; editing changes everyone linked). */
function PresetsPanel({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
  const presets = usePresets(workspaceId);
  const [editing, setEditing] = useState<{ preset: PresetView | null; copyFrom: PresetView | null } | null>(
    null,
  );
  const [viewing, setViewing] = useState<PresetView | null>(null);
  const [versionsOf, setVersionsOf] = useState<PresetView | null>(null);
  const [deleting, setDeleting] = useState<PresetView | null>(null);
  if (presets.isPending) return <Skeleton h={200} />;
  if (presets.error) return <ErrorAlert error={presets.error} onRetry={() => presets.refetch()} />;
  const custom = presets.data.filter((p) => !p.builtin);
  const builtin = presets.data.filter((p) => p.builtin);

  const row = (p: PresetView) => (
    <Table.Tr key={p.id} data-preset={p.id}>
      <Table.Td>
        <Group gap="xs">
          <Text fz="sm" fw={600}>
            {p.name}
          </Text>
          {!p.builtin && (
            <Badge size="xs" variant="outline" color="gray">
              v{p.version ?? 1}
            </Badge>
          )}
        </Group>
        <Text fz="xs" c="dimmed" lineClamp={1}>
          {p.description}
        </Text>
      </Table.Td>
      <Table.Td>
        <AccessSummary matrix={p.matrix} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="View">
            <ActionIcon variant="subtle" aria-label={`View ${p.name}`} onClick={() => setViewing(p)}>
              <IconEye size={16} />
            </ActionIcon>
          </Tooltip>
          {editable && (
            <Tooltip label="Copy into a custom preset">
              <ActionIcon
                variant="subtle"
                aria-label={`Copy ${p.name}`}
                onClick={() => setEditing({ preset: null, copyFrom: p })}
              >
                <IconCopy size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {!p.builtin && (
            <Tooltip label="Versions">
              <ActionIcon
                variant="subtle"
                aria-label={`Versions of ${p.name}`}
                onClick={() => setVersionsOf(p)}
              >
                <IconHistory size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {editable && !p.builtin && (
            <>
              <Tooltip label="Edit">
                <ActionIcon
                  variant="subtle"
                  aria-label={`Edit ${p.name}`}
                  onClick={() => setEditing({ preset: p, copyFrom: null })}
                >
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Delete">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete ${p.name}`}
                  onClick={() => setDeleting(p)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <div>
          <Title order={2} fz="lg">
            Presets
          </Title>
          <Text fz="sm" c="dimmed">
            Ready-made permission sets. Members linked to a custom preset change when it changes.
          </Text>
        </div>
        {editable && (
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={() => setEditing({ preset: null, copyFrom: null })}
          >
            New preset
          </Button>
        )}
      </Group>
      <Table verticalSpacing={6} aria-label="Presets">
        <Table.Tbody>
          <Table.Tr>
            <Table.Td colSpan={3} bg="gray.0">
              <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
                Custom ({custom.length})
              </Text>
            </Table.Td>
          </Table.Tr>
          {custom.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text fz="sm" c="dimmed">
                  No custom presets yet. Copy a built-in one to start.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            custom.map(row)
          )}
          <Table.Tr>
            <Table.Td colSpan={3} bg="gray.0">
              <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
                Built-in (read-only)
              </Text>
            </Table.Td>
          </Table.Tr>
          {builtin.map(row)}
        </Table.Tbody>
      </Table>
      {editing && (
        <PresetEditor
          workspaceId={workspaceId}
          preset={editing.preset}
          copyFrom={editing.copyFrom}
          onClose={() => setEditing(null)}
        />
      )}
      {viewing && (
        <Modal opened onClose={() => setViewing(null)} title={viewing.name} size="xl">
          <Stack>
            <Text fz="sm" c="dimmed">
              {viewing.description}
            </Text>
            <PermissionMatrix
              value={viewing.matrix}
              label={`${viewing.name} permissions`}
              defaultExpanded={[...AREAS]}
            />
          </Stack>
        </Modal>
      )}
      {versionsOf && (
        <VersionsDialog workspaceId={workspaceId} preset={versionsOf} onClose={() => setVersionsOf(null)} />
      )}
      <ConfirmTyped
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this preset?"
        description="A preset still linked to members cannot be deleted; link them to another preset first."
        expected={deleting?.name ?? ''}
        action="Delete preset"
        onConfirm={async () => {
          if (!deleting) return;
          await api.DELETE('/v1/workspaces/{workspaceId}/presets/{id}', {
            params: { path: { workspaceId, id: deleting.id } },
          });
          await invalidateWorkspace(workspaceId);
        }}
      />
    </Paper>
  );
}

function WorkspacePanel() {
  const { workspace } = useWorkspaceContext();
  const navigate = useNavigate();
  const [name, setName] = useState(workspace.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Workspace
      </Title>
      <Group align="flex-end">
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
          w={320}
        />
        <Button
          variant="default"
          loading={busy}
          disabled={!name.trim() || name.trim() === workspace.name}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api.PATCH('/v1/workspaces/{workspaceId}', {
                params: { path: { workspaceId: workspace.id } },
                body: { name: name.trim() },
              });
              await invalidateWorkspace(workspace.id);
              notifications.show({ color: 'green', title: 'Workspace renamed', message: name.trim() });
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          Rename
        </Button>
        <Button color="red" variant="subtle" ml="auto" onClick={() => setDeleting(true)}>
          Delete workspace…
        </Button>
      </Group>
      <ErrorAlert error={error} />
      <ConfirmTyped
        opened={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this workspace?"
        description="Every agent, member, key and the activity log go with it. This cannot be undone."
        expected={workspace.name}
        action="Delete workspace"
        onConfirm={async (typed) => {
          await api.DELETE('/v1/workspaces/{workspaceId}', {
            params: { path: { workspaceId: workspace.id } },
            body: { confirm: typed },
          });
          await invalidateWorkspace(workspace.id);
          navigate('/');
        }}
      />
    </Paper>
  );
}

/** Settings: policies and caps, presets (with versions), and the workspace itself (admins). */
export function SettingsTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('Settings', workspace.name);
  const editable = can('workspace.manage');
  return (
    <Stack gap="md">
      {!editable && (
        <Text fz="sm" c="dimmed">
          Only workspace admins change these settings; you can read them.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <PoliciesPanel workspaceId={workspace.id} editable={editable} />
        <PresetsPanel workspaceId={workspace.id} editable={editable} />
      </SimpleGrid>
      {editable && <WorkspacePanel />}
    </Stack>
  );
}
