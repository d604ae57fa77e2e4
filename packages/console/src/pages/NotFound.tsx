import { Button, EmptyState } from '@mantine/core';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useDocumentTitle } from '../components/useDocumentTitle';

/** Unknown paths, and resources the person cannot see (the API answers 404, never 403: docs/rules.md §3). */
export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useDocumentTitle('Not found');
  return (
    <EmptyState
      mt={80}
      icon={<IconMapOff size={28} />}
      withIndicatorBackground
      title={`This ${what} does not exist`}
      description="It may have been removed, or you may not have access to it."
    >
      <EmptyState.Actions>
        <Button component={Link} to="/">
          Go to your workspaces
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
