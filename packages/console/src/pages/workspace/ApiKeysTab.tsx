import { type Matrix, toMatrixInput } from '@atrium/policy';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuilding, IconCheck, IconCopy, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { api, errorMessage, fieldError } from '../../api/client';
import { invalidateWorkspace, useAgents, useApiKeys, usePresets } from '../../api/hooks';
import type { ApiKey } from '../../api/types';
import { AccessSummary } from '../../components/AccessSummary';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime, relativeTime } from '../../components/format';
import { PermissionMatrix } from '../../components/PermissionMatrix';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { presetMatrix, presetName, presetOptions } from './presetOptions';
import { useWorkspaceContext } from './WorkspaceLayout';

/** The secret, shown exactly once, with a copy button (docs/rules.md §4: "shown once, stored hashed"). */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" variant="light" title="Copy the key now">
        This is the only time Atrium shows it. It is stored hashed; if you lose it, revoke it and create a new
        one.
      </Alert>
      <Group gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="api-key-secret">
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              onClick={copy}
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text fz="xs" c="dimmed">
        Use it from your platform&apos;s backend as <Code>Authorization: Bearer …</Code> to call{' '}
        <Code>POST /v1/check</Code>.
      </Text>
      <Group justify="flex-end">
        <Button onClick={onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}

function CreateKeyDialog({
  opened,
  onClose,
  workspaceId,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
}) {
  const presets = usePresets(workspaceId);
  const agents = useAgents(workspaceId);
  const [name, setName] = useState('');
  const [grant, setGrant] = useState<string>('preset:read_only_reviewer');
  const [matrix, setMatrix] = useState<Matrix>({});
  const [agentId, setAgentId] = useState<string | null>(null);
  const [expires, setExpires] = useState<string>('90');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setSecret(null);
    setName('');
    setError(null);
    onClose();
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expiresAt =
        expires === 'never' ? undefined : new Date(Date.now() + Number(expires) * 86_400_000).toISOString();
      const res = await api.POST('/v1/workspaces/{workspaceId}/api-keys', {
        params: { path: { workspaceId } },
        body: {
          name: name.trim(),
          ...(grant === 'custom'
            ? { matrix: toMatrixInput(matrix) }
            : { presetId: grant.replace(/^preset:/, '') }),
          ...(agentId ? { agentId } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        },
      });
      setSecret(res.secret);
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      opened={opened}
      onClose={close}
      // The secret is shown once: a stray click outside must not throw it away.
      closeOnClickOutside={secret === null}
      title={secret ? 'Your new API key' : 'Create an API key'}
      size={secret ? 'lg' : 'xl'}
    >
      {secret !== null ? (
        <SecretOnce secret={secret} onDone={close} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              description="What uses it, e.g. “Agent platform backend (production)”"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(error, 'name')}
              data-autofocus
            />
            <Group grow>
              <Select
                label="Agents"
                value={agentId ?? ''}
                onChange={(v) => setAgentId(v ? v : null)}
                allowDeselect={false}
                data={[
                  { value: '', label: 'Every agent' },
                  ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
                ]}
              />
              <Select
                label="Expires"
                value={expires}
                onChange={(v) => setExpires(v ?? '90')}
                allowDeselect={false}
                data={[
                  { value: '30', label: 'In 30 days' },
                  { value: '90', label: 'In 90 days' },
                  { value: '365', label: 'In a year' },
                  { value: 'never', label: 'Never' },
                ]}
              />
            </Group>
            <Select
              label="Permissions of the key"
              description="A key acts with its own permissions, never its creator's."
              value={grant}
              onChange={(v) => setGrant(v ?? 'custom')}
              allowDeselect={false}
              data={[
                ...presetOptions(presets.data ?? []),
                { group: 'Other', items: [{ value: 'custom', label: 'Custom…' }] },
              ]}
            />
            {grant === 'custom' && (
              <PermissionMatrix value={matrix} onChange={setMatrix} label="Key permissions" />
            )}
            <ErrorAlert error={error} title="Could not create the key" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!name.trim()}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/**
 * Transfers a key to the workspace (docs/rules.md §4 "API keys"): a service
 * key keeps working after its creator leaves or is demoted. The admin types
 * the key's name to confirm.
 */
function TransferKeyDialog({
  apiKey,
  onClose,
  workspaceId,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
  workspaceId: string;
}) {
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setConfirm('');
    setError(null);
    onClose();
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!apiKey) return;
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/workspaces/{workspaceId}/api-keys/{id}/transfer', {
        params: { path: { workspaceId, id: apiKey.id } },
        body: { confirm: confirm.trim() },
      });
      notifications.show({
        color: 'green',
        title: 'Key transferred',
        message: `${apiKey.name} now belongs to the workspace.`,
      });
      await invalidateWorkspace(workspaceId);
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const owner = apiKey?.owner.type === 'user' ? (apiKey.owner.name ?? 'a deleted account') : null;
  return (
    <Modal opened={apiKey !== null} onClose={close} title="Transfer this key to the workspace?">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm">
            {apiKey?.name} is bound to {owner}: it works only while they are an admin of this workspace. As a
            service key it keeps working after they leave, until you revoke it.
          </Text>
          <Text fz="sm" c="dimmed">
            The secret does not change. If the person leaving may still have it, revoke the key and create a
            new one instead.
          </Text>
          <TextInput
            label="Type the key's name to confirm"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={fieldError(error, 'confirm')}
            data-autofocus
          />
          <ErrorAlert error={error} title="Could not transfer the key" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={confirm.trim() !== apiKey?.name}>
              Transfer to workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The key's owner: its creator (a user key) or the workspace (a service key). */
function OwnerCell({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.owner.type === 'workspace') {
    return (
      <Badge color="blue" variant="light" size="sm" leftSection={<IconBuilding size={12} />}>
        Workspace
      </Badge>
    );
  }
  return (
    <Text fz="sm" c={apiKey.owner.name ? undefined : 'dimmed'}>
      {apiKey.owner.name ?? 'Deleted account'}
    </Text>
  );
}

/** API keys (workspace admins): create (secret shown once), list with prefix, scope, owner, expiry and last use, transfer, revoke. */
export function ApiKeysTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('API Keys', workspace.name);
  const allowed = can('workspace.manage');
  const keys = useApiKeys(workspace.id, allowed);
  const presets = usePresets(workspace.id);
  const agents = useAgents(workspace.id);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [transferring, setTransferring] = useState<ApiKey | null>(null);
  if (!allowed) return <NotFoundPage what="page" />;
  const list = keys.data ?? [];

  async function revoke(k: ApiKey) {
    try {
      await api.DELETE('/v1/workspaces/{workspaceId}/api-keys/{id}', {
        params: { path: { workspaceId: workspace.id, id: k.id } },
      });
      notifications.show({ color: 'green', title: 'Key revoked', message: `${k.name} stops working now.` });
      await invalidateWorkspace(workspace.id);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not revoke', message: errorMessage(err) });
    } finally {
      setRevoking(null);
    }
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text c="dimmed" fz="sm" maw={640}>
          Machine identities for your agent platform&apos;s backend: they call <Code>POST /v1/check</Code> to
          ask whether a person may do something.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Create API key
        </Button>
      </Group>
      <Paper withBorder>
        <QueryPanel
          query={keys}
          padded
          skeleton={{ h: 32, rows: 2 }}
          isEmpty={list.length === 0}
          empty={{
            icon: <IconKey size={26} />,
            title: 'No API keys yet',
            description: 'Create one for each service that asks Atrium for decisions.',
          }}
        >
          <Table verticalSpacing="sm" aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Agents</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th w={90} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((k) => {
                const revoked = Boolean(k.revokedAt);
                const expired = k.expiresAt ? new Date(k.expiresAt).getTime() < Date.now() : false;
                const suspended = k.status === 'suspended';
                const matrix = (k.presetId ? presetMatrix(presets.data, k.presetId) : k.matrix) ?? {};
                return (
                  <Table.Tr key={k.id} style={{ opacity: revoked || expired || suspended ? 0.55 : 1 }}>
                    <Table.Td>
                      <Text fz="sm" fw={600}>
                        {k.name}
                      </Text>
                      {revoked && (
                        <Badge color="red" variant="light" size="xs">
                          Revoked
                        </Badge>
                      )}
                      {!revoked && expired && (
                        <Badge color="gray" variant="light" size="xs">
                          Expired
                        </Badge>
                      )}
                      {suspended && (
                        <Tooltip label="Its creator is no longer an admin of this workspace. Transfer it to the workspace to use it again, or revoke it.">
                          <Badge color="orange" variant="light" size="xs">
                            Suspended
                          </Badge>
                        </Tooltip>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <AccessSummary matrix={matrix} />
                        <Text fz="xs" c="dimmed">
                          {k.presetId ? presetName(presets.data, k.presetId) : 'Custom'}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm">
                        {k.agentId
                          ? (agents.data?.find((a) => a.id === k.agentId)?.name ?? 'One agent')
                          : 'Every agent'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <OwnerCell apiKey={k} />
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={dateTime(k.expiresAt)} disabled={!k.expiresAt}>
                        <Text fz="sm">{k.expiresAt ? relativeTime(k.expiresAt) : 'Never'}</Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm">{relativeTime(k.lastUsedAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        {!revoked && k.owner.type === 'user' && (
                          <Tooltip label="Transfer to workspace">
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Transfer ${k.name} to the workspace`}
                              onClick={() => setTransferring(k)}
                            >
                              <IconBuilding size={16} />
                            </ActionIcon>
                          </Tooltip>
                        )}
                        {!revoked && (
                          <Tooltip label="Revoke">
                            <ActionIcon
                              color="red"
                              variant="subtle"
                              aria-label={`Revoke ${k.name}`}
                              onClick={() => setRevoking(k)}
                            >
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </QueryPanel>
      </Paper>
      <CreateKeyDialog opened={creating} onClose={() => setCreating(false)} workspaceId={workspace.id} />
      <TransferKeyDialog
        apiKey={transferring}
        onClose={() => setTransferring(null)}
        workspaceId={workspace.id}
      />
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title="Revoke this key?">
        <Stack>
          <Text fz="sm">
            {revoking?.name} stops working immediately; services using it get 401 on their next call.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => revoking && revoke(revoking)}>
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
