import { Anchor, Button, Group, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconCheck, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorMessage } from '../../api/client';
import { invalidateWorkspace, useAgent } from '../../api/hooks';
import { useMe } from '../../api/session';
import type { AgentPlan } from '../../api/types';
import { PlanBadge, RoleBadge, StatusBadge } from '../../components/badges';
import { ConfirmTyped } from '../../components/ConfirmTyped';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MyAccess } from '../../components/MyAccess';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { decideAgent, PLAN_OPTIONS } from './AgentsTab';
import { AgentMembersPanel } from './agent/AgentMembersPanel';
import { useWorkspaceContext } from './WorkspaceLayout';

/** One agent: plan and status (for those who may see them), approval, my access, and its users. */
export function AgentDetail() {
  const { agentId = '' } = useParams();
  const { workspace, can } = useWorkspaceContext();
  const me = useMe();
  const navigate = useNavigate();
  const agent = useAgent(workspace.id, agentId);
  const [deleting, setDeleting] = useState(false);
  useDocumentTitle(agent.data?.name, 'Agents', workspace.name);
  if (agent.isPending) return <Skeleton h={300} />;
  if (agent.error) {
    if (agent.error instanceof ApiError && agent.error.status === 404) return <NotFoundPage what="agent" />;
    return <ErrorAlert error={agent.error} onRetry={() => agent.refetch()} />;
  }
  const a = agent.data;
  const manages = a.can?.['agent.manage'] === true;
  const isAdmin = can('workspace.manage');

  async function changePlan(plan: AgentPlan) {
    try {
      const res = await api.PATCH('/v1/workspaces/{workspaceId}/agents/{agentId}', {
        params: { path: { workspaceId: workspace.id, agentId: a.id } },
        body: { plan },
      });
      notifications.show({
        color: res.status === 'pending_approval' ? 'yellow' : 'green',
        title: 'Plan changed',
        message:
          res.status === 'pending_approval' ? 'It waits for a workspace admin’s approval.' : 'In effect now.',
      });
      await invalidateWorkspace(workspace.id);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not change the plan', message: errorMessage(err) });
    }
  }

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/w/${workspace.id}/agents`} fz="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden="true" /> All agents
        </Group>
      </Anchor>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2} fz={22}>
            {a.name}
          </Title>
          {a.plan && <PlanBadge plan={a.plan} />}
          {a.status && <StatusBadge status={a.status} />}
          {a.myRole && <RoleBadge role={a.myRole} />}
        </Group>
        <Group gap="xs">
          {a.status === 'pending_approval' && a.can?.['agent.approve'] !== false && can('agent.approve') && (
            <>
              <Button
                color="green"
                leftSection={<IconCheck size={16} />}
                onClick={() => decideAgent(workspace.id, a, 'approve')}
              >
                Approve
              </Button>
              <Button
                variant="default"
                leftSection={<IconX size={16} />}
                onClick={() => decideAgent(workspace.id, a, 'reject')}
              >
                Reject
              </Button>
            </>
          )}
          {manages && a.plan && (
            <Select
              aria-label="Plan"
              value={a.plan}
              onChange={(v) => v && v !== a.plan && changePlan(v)}
              allowDeselect={false}
              data={PLAN_OPTIONS.map((p) => ({ value: p.value, label: p.label.split(' — ')[0]! }))}
              w={140}
            />
          )}
          {manages && (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} />}
              onClick={() => setDeleting(true)}
            >
              Delete
            </Button>
          )}
        </Group>
      </Group>
      {!isAdmin && me.data && a.myRole !== 'agent_admin' && (
        <MyAccess
          workspaceId={workspace.id}
          userId={me.data.id}
          agentId={a.id}
          title="Your access on this agent"
        />
      )}
      {manages ? (
        <AgentMembersPanel workspaceId={workspace.id} agent={a} />
      ) : (
        <Text c="dimmed" fz="sm">
          Only this agent’s admins and workspace admins manage its users.
        </Text>
      )}
      <ConfirmTyped
        opened={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this agent?"
        description="Its users lose access to it at once. This cannot be undone."
        expected={a.name}
        action="Delete agent"
        onConfirm={async (typed) => {
          await api.DELETE('/v1/workspaces/{workspaceId}/agents/{agentId}', {
            params: { path: { workspaceId: workspace.id, agentId: a.id } },
            body: { confirm: typed },
          });
          await invalidateWorkspace(workspace.id);
          navigate(`/w/${workspace.id}/agents`);
        }}
      />
    </Stack>
  );
}
