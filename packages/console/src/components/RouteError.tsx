import { Button, Code, EmptyState, Stack } from '@mantine/core';
import { IconBug } from '@tabler/icons-react';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/** What a page shows if it crashes: a calm message and a way back, not a stack trace. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <Stack maw={560} mx="auto" mt={80}>
      <EmptyState
        icon={<IconBug size={28} />}
        withIndicatorBackground
        title="This page ran into a problem"
        description="Reload the page; if it happens again, tell your Atrium administrator what you were doing."
      >
        <Code block>{message}</Code>
        <EmptyState.Actions>
          <Button onClick={() => window.location.reload()}>Reload</Button>
          <Button variant="default" component="a" href="/">
            Go home
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Stack>
  );
}
