import { Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, fieldError } from '../api/client';
import { queryClient } from '../api/queryClient';
import { ErrorAlert } from '../components/ErrorAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';

/** Any signed-in user can create a workspace and becomes its admin (docs/rules.md §4). */
export function CreateWorkspacePage() {
  useDocumentTitle('Create a workspace');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ws = await api.POST('/v1/workspaces', { body: { name: name.trim() } });
      await queryClient.invalidateQueries({ queryKey: ['workspaces'] });
      navigate(`/w/${ws.id}/users`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack maw={520} mx="auto" mt={60}>
      <Paper withBorder p="xl" shadow="xs">
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={1} fz={24}>
                {params.get('welcome') ? 'Welcome to Atrium' : 'Create a workspace'}
              </Title>
              <Text c="dimmed" fz="sm" mt={4}>
                A workspace holds your company's agents, members, policies and activity log. You will be its
                admin. If a colleague invited you, open the link in their email instead.
              </Text>
            </div>
            <TextInput
              label="Workspace name"
              placeholder="Acme Support"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(error, 'name')}
              autoFocus
            />
            <ErrorAlert error={error} title="Could not create the workspace" />
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              Create workspace
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
