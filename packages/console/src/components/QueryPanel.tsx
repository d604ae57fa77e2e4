import { EmptyState, type MantineSpacing, Skeleton, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/** What QueryPanel reads from a TanStack query. */
export interface QueryState {
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** An empty state: a dimmed sentence, or an EmptyState with an icon, a title and a description. */
export type EmptyContent = string | { icon: ReactNode; title: ReactNode; description: ReactNode };

/**
 * One query's loading, error and empty states, then its content: skeleton rows
 * while it loads, the error (the server's sentence, with Retry unless
 * `retry={false}`), the `empty` state when `isEmpty`, else `children`.
 * `padded` is for a table in a bordered Paper: the skeletons and the error get
 * the Paper's padding, and an EmptyState gets room and an indicator background.
 * Give `children` as a function when it reads data that exists only once loaded.
 */
export function QueryPanel({
  query,
  skeleton = { h: 80 },
  padded = false,
  retry = true,
  isEmpty = false,
  empty,
  children,
}: {
  query: QueryState;
  skeleton?: { h: number; rows?: number; gap?: MantineSpacing };
  padded?: boolean;
  retry?: boolean;
  isEmpty?: boolean;
  empty?: EmptyContent;
  children: ReactNode | (() => ReactNode);
}) {
  if (query.isPending) {
    const rows = Array.from({ length: skeleton.rows ?? 1 }, (_, i) => i).map((i) => (
      <Skeleton key={i} h={skeleton.h} />
    ));
    return padded ? (
      <Stack p="md" gap={skeleton.gap}>
        {rows}
      </Stack>
    ) : (
      rows
    );
  }
  if (query.error) {
    const alert = <ErrorAlert error={query.error} onRetry={retry ? () => query.refetch() : undefined} />;
    return padded ? <Stack p="md">{alert}</Stack> : alert;
  }
  if (isEmpty && empty !== undefined) {
    if (typeof empty === 'string')
      return (
        <Text fz="sm" c="dimmed">
          {empty}
        </Text>
      );
    return (
      <EmptyState
        {...(padded ? { py: 'xl', withIndicatorBackground: true } : {})}
        icon={empty.icon}
        title={empty.title}
        description={empty.description}
      />
    );
  }
  return typeof children === 'function' ? children() : children;
}
