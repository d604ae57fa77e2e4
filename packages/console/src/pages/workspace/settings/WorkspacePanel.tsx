import { Button, Group, Paper, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import { ConfirmTyped } from '../../../components/ConfirmTyped';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useWorkspaceContext } from '../WorkspaceLayout';

/** Renaming and deleting the workspace (admins). */
export function WorkspacePanel() {
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
