import { Alert, Button, Group } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ApiError, errorMessage } from '../api/client';

/** An error from the API, showing the server's `detail` (and `code` for support), with an optional retry. */
export function ErrorAlert({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={title ?? 'Something went wrong'}
      role="alert"
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <span>
          {errorMessage(error)}
          {code && code !== 'error' && code !== 'network' ? (
            <span style={{ opacity: 0.6 }}> ({code})</span>
          ) : null}
        </span>
        {onRetry && (
          <Button size="compact-sm" variant="white" color="red" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
