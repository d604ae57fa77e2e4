import type { Matrix } from '@atrium/policy';
import {
  ActionIcon,
  Affix,
  Avatar,
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAdjustments,
  IconDownload,
  IconMailForward,
  IconSearch,
  IconTrash,
  IconUserPlus,
  IconUsers,
} from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, apiUrl, errorMessage } from '../../api/client';
import { invalidateWorkspace, useAgents, useInvitations, useMembers, usePresets } from '../../api/hooks';
import type { Invitation, Member, WorkspaceRole } from '../../api/types';
import { AccessSummary } from '../../components/AccessSummary';
import { RoleBadge } from '../../components/badges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime, relativeTime } from '../../components/format';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { initials } from '../../layout/Shell';
import { BulkEditDialog } from './BulkEditDialog';
import { InviteDialog } from './InviteDialog';
import { presetMatrix, presetName } from './presetOptions';
import { useWorkspaceContext } from './WorkspaceLayout';

function MembersTable({
  members,
  workspaceId,
  selected,
  onSelect,
}: {
  members: Member[];
  workspaceId: string;
  /** Selected user ids, when bulk editing is possible (admins). */
  selected: Set<string> | null;
  onSelect: (next: Set<string>) => void;
}) {
  const navigate = useNavigate();
  const presets = usePresets(workspaceId);
  // Only members whose permissions the caller may edit can be bulk edited (never oneself, never admins).
  const selectable = members.filter((m) => m.can?.edit === true && m.role !== 'admin');
  const allSelected =
    selected !== null && selectable.length > 0 && selectable.every((m) => selected.has(m.userId));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected ?? []);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  return (
    <Table highlightOnHover verticalSpacing="sm" aria-label="Members">
      <Table.Thead>
        <Table.Tr>
          {selected !== null && (
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select every member"
                checked={allSelected}
                indeterminate={!allSelected && selected.size > 0}
                disabled={selectable.length === 0}
                onChange={(e) =>
                  onSelect(new Set(e.currentTarget.checked ? selectable.map((m) => m.userId) : []))
                }
              />
            </Table.Th>
          )}
          <Table.Th>Name</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Permissions</Table.Th>
          <Table.Th>Agents</Table.Th>
          <Table.Th>Last active</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {members.map((m) => {
          const matrix: Matrix = (m.presetId ? presetMatrix(presets.data, m.presetId) : m.matrix) ?? {};
          const agents = m.agents ?? [];
          const open = () => navigate(`/w/${workspaceId}/users/${m.userId}`);
          return (
            <Table.Tr
              key={m.userId}
              className="atrium-table-row-clickable"
              onClick={open}
              data-member={m.email}
            >
              {selected !== null && (
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Checkbox
                    aria-label={`Select ${m.name || m.email}`}
                    checked={selected.has(m.userId)}
                    disabled={!selectable.includes(m)}
                    onChange={(e) => toggle(m.userId, e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Avatar radius="xl" size={34} color="atrium">
                    {initials(m.name, m.email)}
                  </Avatar>
                  <div style={{ minWidth: 0 }}>
                    {/* A real link, so keyboard and screen-reader users reach the member too. */}
                    <Text
                      component="a"
                      href={`/w/${workspaceId}/users/${m.userId}`}
                      onClick={(e) => {
                        e.preventDefault();
                        open();
                      }}
                      fw={600}
                      fz="sm"
                      c="dark.8"
                      style={{ textDecoration: 'none' }}
                    >
                      {m.name || m.email}
                    </Text>
                    <Text fz="xs" c="dimmed" truncate>
                      {m.email}
                    </Text>
                  </div>
                </Group>
              </Table.Td>
              <Table.Td>
                <RoleBadge role={m.role} />
              </Table.Td>
              <Table.Td>
                {m.role === 'admin' ? (
                  <Text fz="sm" c="dimmed">
                    Everything (admin)
                  </Text>
                ) : (
                  <Group gap="xs" wrap="nowrap">
                    <AccessSummary matrix={matrix} />
                    <Text fz="xs" c="dimmed" truncate maw={150}>
                      {m.presetId ? presetName(presets.data, m.presetId) : m.matrix ? 'Custom' : 'No access'}
                    </Text>
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                {m.role === 'admin' || m.agentAccess === 'all' ? (
                  <Text fz="sm">All agents</Text>
                ) : agents.length === 0 ? (
                  <Text fz="sm" c="dimmed">
                    None
                  </Text>
                ) : (
                  <Group gap={4}>
                    {agents.slice(0, 2).map((a) => (
                      <Badge key={a.agentId} variant="light" color="gray" tt="none">
                        {a.name}
                        {a.role === 'agent_admin' ? ' · admin' : ''}
                      </Badge>
                    ))}
                    {agents.length > 2 && (
                      <Tooltip
                        label={agents
                          .slice(2)
                          .map((a) => a.name)
                          .join(', ')}
                      >
                        <Badge variant="outline" color="gray">
                          +{agents.length - 2}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                <Tooltip label={dateTime(m.lastActivityAt)} disabled={!m.lastActivityAt}>
                  <Text fz="sm" c={m.lastActivityAt ? undefined : 'dimmed'}>
                    {relativeTime(m.lastActivityAt)}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function invitationTarget(inv: Invitation, agentNames: Map<string, string>): string {
  if (inv.agents.length > 0) return inv.agents.map((a) => agentNames.get(a.agentId) ?? 'Agent').join(', ');
  return inv.role === 'admin' ? 'Workspace (admin)' : 'Workspace';
}

function PendingInvitations({ workspaceId }: { workspaceId: string }) {
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
      {invitations.isPending ? (
        <Skeleton h={40} />
      ) : invitations.error ? (
        <ErrorAlert error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : list.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No pending invitations. People you invite appear here until they join.
        </Text>
      ) : (
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
      )}
    </Paper>
  );
}

/**
 * The Users tab (seed 000; docs/rules.md §4): the members with their role, access,
 * agents and last activity; search and role filter; inviting; pending
 * invitations; CSV export. Opening a member leads to their permission editor.
 */
export function UsersTab() {
  const ctx = useWorkspaceContext();
  const { workspace, can } = ctx;
  useDocumentTitle('Users', workspace.name);
  const [q, setQ] = useState('');
  const [role, setRole] = useState<WorkspaceRole | null>(null);
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const members = useMembers(workspace.id, { q: debounced || undefined, role: role ?? undefined });
  const [inviting, setInviting] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState(false);
  const isAdmin = can('workspace.manage');
  // Admins invite to the workspace; an agent's admins invite to their own agents only (docs/rules.md §2, §4).
  const agents = useAgents(workspace.id);
  const mayInvite = isAdmin || (agents.data ?? []).some((a) => a.can?.['agent.manage'] === true);
  const list = members.data ?? [];
  const filtering = debounced !== '' || role !== null;
  const selectedMembers = list.filter((m) => selected.has(m.userId));

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <TextInput
            placeholder="Search by name or email"
            aria-label="Search members by name or email"
            leftSection={<IconSearch size={16} aria-hidden="true" />}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={300}
          />
          <Select
            aria-label="Filter by role"
            placeholder="All roles"
            clearable
            value={role}
            onChange={setRole}
            data={[
              { value: 'admin', label: 'Admins' },
              { value: 'member', label: 'Members' },
            ]}
            w={150}
          />
        </Group>
        <Group gap="sm" wrap="nowrap">
          {isAdmin && (
            <Button
              component="a"
              href={apiUrl('/v1/workspaces/{workspaceId}/members/export.csv', {
                path: { workspaceId: workspace.id },
              })}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export CSV
            </Button>
          )}
          {mayInvite && (
            <Button leftSection={<IconUserPlus size={16} />} onClick={() => setInviting(true)}>
              Invite people
            </Button>
          )}
        </Group>
      </Group>

      <Paper withBorder>
        {members.isPending ? (
          <Stack p="md" gap="sm">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} h={36} />
            ))}
          </Stack>
        ) : members.error ? (
          <Stack p="md">
            <ErrorAlert error={members.error} onRetry={() => members.refetch()} />
          </Stack>
        ) : list.length === 0 ? (
          <EmptyState
            py="xl"
            icon={<IconUsers size={26} />}
            withIndicatorBackground
            title={filtering ? 'No member matches' : 'No members yet'}
            description={
              filtering ? 'Try another search or role.' : 'Invite colleagues to work on your agents.'
            }
          />
        ) : (
          <MembersTable
            members={list}
            workspaceId={workspace.id}
            selected={isAdmin ? selected : null}
            onSelect={setSelected}
          />
        )}
      </Paper>

      {isAdmin && selectedMembers.length > 0 && (
        <Affix position={{ bottom: 24, left: '50%' }} style={{ transform: 'translateX(-50%)' }}>
          <Paper shadow="lg" withBorder px="md" py="sm" radius="xl">
            <Group gap="md">
              <Text fz="sm" fw={600}>
                {selectedMembers.length} selected
              </Text>
              <Button size="xs" leftSection={<IconAdjustments size={14} />} onClick={() => setBulk(true)}>
                Edit permissions
              </Button>
              <Button size="xs" variant="subtle" color="gray" onClick={() => setSelected(new Set())}>
                Clear
              </Button>
            </Group>
          </Paper>
        </Affix>
      )}
      {bulk && (
        <BulkEditDialog
          members={selectedMembers}
          workspaceId={workspace.id}
          onClose={(done) => {
            setBulk(false);
            if (done) setSelected(new Set());
          }}
        />
      )}
      {isAdmin && <PendingInvitations workspaceId={workspace.id} />}
      {mayInvite && <InviteDialog opened={inviting} onClose={() => setInviting(false)} ctx={ctx} />}
    </Stack>
  );
}
