import { Button, Group, Modal, Paper, Select, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api, errorMessage, type RequestBodyOf } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import type { Member, WorkspaceRole } from '../../../api/types';

/** A member's workspace role (changing it resets their agent permissions, after a confirmation) and agent access. */
export function RoleAndAccess({
  member,
  workspaceId,
  editable,
  mayChangeRole,
}: {
  member: Member;
  workspaceId: string;
  editable: boolean;
  mayChangeRole: boolean;
}) {
  const [pendingRole, setPendingRole] = useState<WorkspaceRole | null>(null);
  const [busy, setBusy] = useState(false);

  async function patch(
    body: RequestBodyOf<'/v1/workspaces/{workspaceId}/members/{userId}', 'patch'>,
    done: string,
  ) {
    setBusy(true);
    try {
      await api.PATCH('/v1/workspaces/{workspaceId}/members/{userId}', {
        params: { path: { workspaceId, userId: member.userId } },
        body,
      });
      notifications.show({ color: 'green', title: done, message: 'In effect now.' });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(err) });
    } finally {
      setBusy(false);
      setPendingRole(null);
    }
  }

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start">
        <Select
          label="Workspace role"
          value={member.role}
          disabled={!mayChangeRole || busy}
          onChange={(v) => v && v !== member.role && setPendingRole(v)}
          allowDeselect={false}
          data={[
            { value: 'member', label: 'Member' },
            { value: 'admin', label: 'Admin' },
          ]}
          w={200}
        />
        <Switch
          mt={28}
          label="Access to every agent"
          description="Otherwise only the agents they hold a role on"
          checked={member.agentAccess === 'all'}
          disabled={!editable || busy || member.role === 'admin'}
          onChange={(e) =>
            patch({ agentAccess: e.currentTarget.checked ? 'all' : 'assigned' }, 'Agent access changed')
          }
        />
      </Group>
      <Modal
        opened={pendingRole !== null}
        onClose={() => setPendingRole(null)}
        title="Change the workspace role?"
      >
        <Stack>
          <Text fz="sm">
            Make {member.name || member.email} {pendingRole === 'admin' ? 'an admin' : 'a member'}? Their
            agent roles and agent permissions will be reset.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPendingRole(null)}>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={() => pendingRole && patch({ role: pendingRole, confirmReset: true }, 'Role changed')}
            >
              Change role and reset agent permissions
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
