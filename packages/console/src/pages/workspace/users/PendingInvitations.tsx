import { ActionIcon, Badge, Group, Paper, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailForward, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage } from '../../../api/client';
import { invalidateWorkspace, useAgents, useInvitations } from '../../../api/hooks';
import type { Invitation } from '../../../api/types';
import { relativeTime } from '../../../components/format';
import { QueryPanel } from '../../../components/QueryPanel';

function invitationTarget(inv: Invitation, agentNames: Map<string, string>): string {
  if (inv.agents.length > 0) return inv.agents.map((a) => agentNames.get(a.agentId) ?? 'Agent').join(', ');
  return inv.role === 'admin' ? 'Workspace (admin)' : 'Workspace';
}

/** Invitations not yet accepted, each with resend and revoke. */
export function PendingInvitations({ workspaceId }: { workspaceId: string }) {
  const invitations = useInvitations(workspaceId);
  const agents = useAgents(workspaceId);
  const agentNames = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const [busy, setBusy] = useState<string | null>(null);

  async function act(inv: Invitation, action: 'resend' | 'revoke') {
    setBusy(inv.id);
    try {
      const params = { path: { workspaceId, id: inv.id } };
      if (action === 'resend')
        await api.POST('/v1/workspaces/{workspaceId}/invitations/{id}/resend', { params });
      else await api.DELETE('/v1/workspaces/{workspaceId}/invitations/{id}', { params });
      notifications.show({
        color: 'green',
        title: action === 'resend' ? 'Invitation sent again' : 'Invitation revoked',
        message:
          action === 'resend' ? `A new link went to ${inv.email}; the old one no longer works.` : inv.email,
      });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not do that', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  const list = (invitations.data ?? []).filter((i) => !i.status || i.status === 'pending');
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="lg">
          Pending invitations
        </Title>
        <Badge variant="light" color="gray">
          {list.length}
        </Badge>
      </Group>
      <QueryPanel
        query={invitations}
        skeleton={{ h: 40 }}
        isEmpty={list.length === 0}
        empty="No pending invitations. People you invite appear here until they join."
      >
        <Table verticalSpacing="xs" aria-label="Pending invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Invited to</Table.Th>
              <Table.Th>Sent</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th w={90}>
                <span style={{ position: 'absolute', left: -9999 }}>Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((inv) => (
              <Table.Tr key={inv.id} data-invitation={inv.email}>
                <Table.Td>
                  <Text fz="sm" fw={500}>
                    {inv.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{invitationTarget(inv, agentNames)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{relativeTime(inv.createdAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{relativeTime(inv.expiresAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Tooltip label="Resend (new link)">
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Resend the invitation to ${inv.email}`}
                        loading={busy === inv.id}
                        onClick={() => act(inv, 'resend')}
                      >
                        <IconMailForward size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Revoke">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Revoke the invitation to ${inv.email}`}
                        disabled={busy === inv.id}
                        onClick={() => act(inv, 'revoke')}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryPanel>
    </Paper>
  );
}
