import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlus, IconRobot, IconX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage, fieldError } from '../../api/client';
import { invalidateWorkspace, useAgents } from '../../api/hooks';
import { useMe } from '../../api/session';
import type { Agent, AgentPlan } from '../../api/types';
import { PlanBadge, RoleBadge, StatusBadge } from '../../components/badges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { relativeTime } from '../../components/format';
import { MyAccess } from '../../components/MyAccess';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useWorkspaceContext } from './WorkspaceLayout';

export const PLAN_OPTIONS: { value: AgentPlan; label: string }[] = [
  { value: 'starter', label: 'Starter — free, approved at once' },
  { value: 'pro', label: 'Pro — paid, needs an admin’s approval' },
  { value: 'enterprise', label: 'Enterprise — paid, needs an admin’s approval' },
];

function CreateAgentDialog({
  opened,
  onClose,
  workspaceId,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
}) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [plan, setPlan] = useState<AgentPlan>('starter');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const agent = await api.POST('/v1/workspaces/{workspaceId}/agents', {
        params: { path: { workspaceId } },
        body: { name: name.trim(), plan },
      });
      await invalidateWorkspace(workspaceId);
      notifications.show({
        color: agent.status === 'pending_approval' ? 'yellow' : 'green',
        title: `Agent ${agent.name} created`,
        message:
          agent.status === 'pending_approval'
            ? 'It waits for a workspace admin to approve its paid plan.'
            : 'You are its agent admin.',
      });
      setName('');
      onClose();
      navigate(`/w/${workspaceId}/agents/${agent.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Create an agent">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            placeholder="Support Concierge"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(error, 'name')}
            data-autofocus
          />
          <Select
            label="Plan"
            value={plan}
            onChange={(v) => setPlan(v ?? 'starter')}
            allowDeselect={false}
            data={PLAN_OPTIONS}
          />
          <Text fz="xs" c="dimmed">
            You become the agent’s admin: you manage its users and their permissions.
          </Text>
          <ErrorAlert error={error} title="Could not create the agent" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              Create agent
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Approve or reject a paid agent waiting for approval (workspace admins; docs/rules.md §4). */
export async function decideAgent(workspaceId: string, agent: Agent, verb: 'approve' | 'reject') {
  try {
    const params = { path: { workspaceId, agentId: agent.id } };
    if (verb === 'approve')
      await api.POST('/v1/workspaces/{workspaceId}/agents/{agentId}/approve', { params });
    else await api.POST('/v1/workspaces/{workspaceId}/agents/{agentId}/reject', { params });
    notifications.show({
      color: verb === 'approve' ? 'green' : 'gray',
      title: verb === 'approve' ? `${agent.name} approved` : `${agent.name} rejected`,
      message: verb === 'approve' ? 'Its paid plan is active.' : 'Its paid plan was refused.',
    });
    await invalidateWorkspace(workspaceId);
  } catch (err) {
    notifications.show({ color: 'red', title: 'Could not do that', message: errorMessage(err) });
  }
}

/**
 * The workspace home: my access (for members), then the agents I can see with
 * plan and approval status (for those allowed to see them), creation, and
 * approval of paid agents by admins.
 */
export function AgentsTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('Agents', workspace.name);
  const me = useMe();
  const navigate = useNavigate();
  const agents = useAgents(workspace.id);
  const [creating, setCreating] = useState(false);
  const isAdmin = can('workspace.manage');
  const list = agents.data ?? [];
  const pending = list.filter((a) => a.status === 'pending_approval');

  return (
    <Stack gap="md">
      {!isAdmin && me.data && <MyAccess workspaceId={workspace.id} userId={me.data.id} />}
      {can('agent.approve') && pending.length > 0 && (
        <Paper withBorder p="md" bg="yellow.0">
          <Title order={2} fz="md" mb="xs">
            Waiting for your approval
          </Title>
          <Stack gap="xs">
            {pending.map((a) => (
              <Group key={a.id} justify="space-between">
                <Text fz="sm">
                  <b>{a.name}</b> on the {a.plan === 'enterprise' ? 'Enterprise' : 'Pro'} plan
                </Text>
                <Group gap="xs">
                  <Button
                    size="xs"
                    color="green"
                    leftSection={<IconCheck size={14} />}
                    onClick={() => decideAgent(workspace.id, a, 'approve')}
                  >
                    Approve
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    leftSection={<IconX size={14} />}
                    onClick={() => decideAgent(workspace.id, a, 'reject')}
                  >
                    Reject
                  </Button>
                </Group>
              </Group>
            ))}
          </Stack>
        </Paper>
      )}
      <Group justify="space-between">
        <Title order={2} fz="lg">
          Agents
        </Title>
        {can('agent.create') && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create agent
          </Button>
        )}
      </Group>
      <Paper withBorder>
        <QueryPanel
          query={agents}
          padded
          skeleton={{ h: 36, rows: 2 }}
          isEmpty={list.length === 0}
          empty={{
            icon: <IconRobot size={26} />,
            title: 'No agents you can see yet',
            description: 'Create one, or ask an admin to give you access to an agent.',
          }}
        >
          <Table highlightOnHover verticalSpacing="sm" aria-label="Agents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Agent</Table.Th>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Your role</Table.Th>
                <Table.Th>Users</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((a) => (
                <Table.Tr
                  key={a.id}
                  className="atrium-table-row-clickable"
                  onClick={() => navigate(`/w/${workspace.id}/agents/${a.id}`)}
                  data-agent={a.name}
                >
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <IconRobot size={20} color="var(--mantine-color-atrium-6)" aria-hidden="true" />
                      <Text
                        component="a"
                        href={`/w/${workspace.id}/agents/${a.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(`/w/${workspace.id}/agents/${a.id}`);
                        }}
                        fw={600}
                        fz="sm"
                        c="dark.8"
                        style={{ textDecoration: 'none' }}
                      >
                        {a.name}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>{a.plan ? <PlanBadge plan={a.plan} /> : <Text c="dimmed">—</Text>}</Table.Td>
                  <Table.Td>
                    {a.status ? <StatusBadge status={a.status} /> : <Text c="dimmed">—</Text>}
                  </Table.Td>
                  <Table.Td>
                    {a.myRole ? (
                      <RoleBadge role={a.myRole} />
                    ) : isAdmin ? (
                      <Badge variant="outline">Workspace admin</Badge>
                    ) : (
                      <Text fz="sm" c="dimmed">
                        Access to all agents
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{a.memberCount ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{relativeTime(a.createdAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </QueryPanel>
      </Paper>
      <CreateAgentDialog opened={creating} onClose={() => setCreating(false)} workspaceId={workspace.id} />
    </Stack>
  );
}
