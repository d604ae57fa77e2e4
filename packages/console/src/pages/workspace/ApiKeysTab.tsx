import {
  ActionIcon,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuilding, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { invalidateWorkspace, useAgents, useApiKeys, usePresets } from '../../api/hooks';
import type { ApiKey } from '../../api/types';
import { AccessSummary } from '../../components/AccessSummary';
import { dateTime, relativeTime } from '../../components/format';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { CreateKeyDialog } from './api-keys/CreateKeyDialog';
import { OwnerCell, TransferKeyDialog } from './api-keys/TransferKeyDialog';
import { presetMatrix, presetName } from './presetOptions';
import { useWorkspaceContext } from './WorkspaceLayout';

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
