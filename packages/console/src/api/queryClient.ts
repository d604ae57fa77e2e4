import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

/**
 * One query client for the app. Access changes take effect at once (docs/rules.md §3),
 * so data is considered stale quickly and refetched when the window regains
 * focus; client errors (4xx) are not retried, they will not change.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      retry: (failures, err) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
        return failures < 2;
      },
      refetchOnWindowFocus: true,
    },
    mutations: { retry: false },
  },
});
