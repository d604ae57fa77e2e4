import { Center, Loader } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useWorkspaces } from '../api/hooks';
import { ErrorAlert } from '../components/ErrorAlert';

const LAST_WORKSPACE = 'atrium.lastWorkspace';

/** Remembers the workspace last opened, so `/` returns to it. */
export function rememberWorkspace(id: string) {
  try {
    localStorage.setItem(LAST_WORKSPACE, id);
  } catch {
    // Storage disabled: `/` opens the first workspace instead.
  }
}

function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(LAST_WORKSPACE);
  } catch {
    return null;
  }
}

/** `/`: the last workspace opened, the first one, or "create a workspace" when there is none. */
export function HomePage() {
  const workspaces = useWorkspaces();
  const [params] = useSearchParams();
  const verified = params.get('emailVerified');
  useEffect(() => {
    if (verified === '1')
      notifications.show({ color: 'green', title: 'Email confirmed', message: 'Thank you.' });
    if (verified === '0')
      notifications.show({
        color: 'red',
        title: 'That link does not work any more',
        message: 'Ask for a new one.',
      });
  }, [verified]);
  if (workspaces.isPending)
    return (
      <Center mt={120}>
        <Loader aria-label="Loading your workspaces" />
      </Center>
    );
  if (workspaces.error) return <ErrorAlert error={workspaces.error} onRetry={() => workspaces.refetch()} />;
  const list = workspaces.data ?? [];
  if (list.length === 0) return <Navigate to="/workspaces/new" replace />;
  const last = lastWorkspace();
  const target = list.find((w) => w.id === last) ?? list[0]!;
  return <Navigate to={`/w/${target.id}`} replace />;
}
