import {
  Alert,
  Anchor,
  Avatar,
  Badge,
  Button,
  Group,
  Paper,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api/client';
import { invalidateWorkspace, useMember } from '../../api/hooks';
import { useMe } from '../../api/session';
import { RoleBadge } from '../../components/badges';
import { ConfirmTyped } from '../../components/ConfirmTyped';
import { EffectiveView } from '../../components/EffectiveView';
import { ErrorAlert } from '../../components/ErrorAlert';
import { relativeTime } from '../../components/format';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { initials } from '../../layout/Shell';
import { NotFoundPage } from '../NotFound';
import { PermissionsEditor } from './member/PermissionsEditor';
import { RoleAndAccess } from './member/RoleAndAccess';
import { useWorkspaceContext } from './WorkspaceLayout';

/** A member's page: role, agent access, permissions (editor), effective access (explained) and agents. */
export function MemberDetail() {
  const { userId = '' } = useParams();
  const { workspace, can } = useWorkspaceContext();
  const me = useMe();
  const navigate = useNavigate();
  const member = useMember(workspace.id, userId);
  const [removing, setRemoving] = useState(false);
  useDocumentTitle(member.data?.name, 'Users', workspace.name);

  if (member.isPending) return <Skeleton h={300} />;
  if (member.error) {
    if (member.error instanceof ApiError && member.error.status === 404)
      return <NotFoundPage what="member" />;
    return <ErrorAlert error={member.error} onRetry={() => member.refetch()} />;
  }
  const m = member.data;
  const self = me.data?.id === m.userId;
  // Nobody edits their own role or permissions (docs/rules.md §4); only admins edit others'.
  const editable = m.can ? m.can.edit === true : can('workspace.manage') && !self;
  const mayChangeRole = m.can ? m.can.changeRole === true : editable;
  const mayRemove = m.can ? m.can.remove === true : editable;

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/w/${workspace.id}/users`} fz="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden="true" /> All users
        </Group>
      </Anchor>
      <Group justify="space-between">
        <Group>
          <Avatar size={52} radius="xl" color="atrium">
            {initials(m.name, m.email)}
          </Avatar>
          <div>
            <Group gap="xs">
              <Title order={2} fz={22}>
                {m.name || m.email}
              </Title>
              <RoleBadge role={m.role} />
              {self && (
                <Badge variant="outline" color="gray">
                  You
                </Badge>
              )}
            </Group>
            <Text c="dimmed" fz="sm">
              {m.email} · last active {relativeTime(m.lastActivityAt)}
            </Text>
          </div>
        </Group>
        {mayRemove && (
          <Button
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={() => setRemoving(true)}
          >
            Remove from workspace
          </Button>
        )}
      </Group>
      {self && (
        <Alert variant="light" color="gray">
          This is you. Nobody edits their own role or permissions; another admin can.
        </Alert>
      )}
      <RoleAndAccess
        member={m}
        workspaceId={workspace.id}
        editable={editable}
        mayChangeRole={mayChangeRole}
      />
      <Tabs defaultValue="permissions" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
          <Tabs.Tab value="effective">Effective access</Tabs.Tab>
          <Tabs.Tab value="agents">Agents ({m.role === 'admin' ? 'all' : m.agents.length})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="permissions" pt="md">
          {m.role === 'admin' ? (
            <Alert variant="light" color="atrium" title="Admins have Edit on everything">
              Workspace admins are not limited by permissions or policies. Make them a member to set granular
              permissions.
            </Alert>
          ) : (
            <PermissionsEditor member={m} workspaceId={workspace.id} editable={editable} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="effective" pt="md">
          <EffectiveView workspaceId={workspace.id} userId={m.userId} />
        </Tabs.Panel>
        <Tabs.Panel value="agents" pt="md">
          <Paper withBorder p="md">
            {m.role === 'admin' || m.agentAccess === 'all' ? (
              <Text fz="sm">Has access to every agent of the workspace.</Text>
            ) : null}
            {m.agents.length === 0 ? (
              <Text fz="sm" c="dimmed">
                Holds no role on any agent.
              </Text>
            ) : (
              <Stack gap="xs">
                {m.agents.map((a) => (
                  <Group key={a.agentId} justify="space-between">
                    <Anchor component={Link} to={`/w/${workspace.id}/agents/${a.agentId}`}>
                      {a.name}
                    </Anchor>
                    <RoleBadge role={a.role} />
                  </Group>
                ))}
              </Stack>
            )}
          </Paper>
        </Tabs.Panel>
      </Tabs>
      <ConfirmTyped
        opened={removing}
        onClose={() => setRemoving(false)}
        title="Remove this member?"
        description={`${m.name || m.email} loses access to ${workspace.name} and every agent in it, at once.`}
        expected={m.email}
        action="Remove member"
        onConfirm={async (typed) => {
          await api.DELETE('/v1/workspaces/{workspaceId}/members/{userId}', {
            params: { path: { workspaceId: workspace.id, userId: m.userId } },
            body: { confirm: typed },
          });
          await invalidateWorkspace(workspace.id);
          notifications.show({ color: 'green', title: 'Member removed', message: m.email });
          navigate(`/w/${workspace.id}/users`);
        }}
      />
    </Stack>
  );
}
