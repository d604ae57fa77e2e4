import { useQuery } from '@tanstack/react-query';
import { ApiError, api, hasSessionCookie, type ResponseOf, setCsrfToken } from './client';
import { queryClient } from './queryClient';
import type { Me } from './types';

/** The signed-in user, or null when there is no session (401). Keeps the session's CSRF token. */
export async function fetchMe(): Promise<Me | null> {
  if (!hasSessionCookie()) return null;
  try {
    const { user, csrfToken } = await api.GET('/v1/me');
    setCsrfToken(csrfToken);
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: fetchMe, staleTime: 60_000 });
}

/** Signs in with a password; stores the CSRF token the server hands back. */
export async function signIn(email: string, password: string): Promise<Me> {
  const { user, csrfToken } = await api.POST('/v1/auth/sign-in', { body: { email, password } });
  setCsrfToken(csrfToken);
  queryClient.clear();
  queryClient.setQueryData(['me'], user);
  return user;
}

export async function signOut(): Promise<void> {
  try {
    await api.POST('/v1/auth/sign-out');
  } finally {
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(['me'], null);
  }
}

/** How people can sign in: password, and SSO when the server has it configured (GET /v1/auth/providers). */
export type Providers = ResponseOf<'/v1/auth/providers', 'get'>;

export function useProviders() {
  return useQuery({
    queryKey: ['auth-providers'],
    queryFn: () => api.GET('/v1/auth/providers'),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The SSO button's label and where it starts, or null when SSO is off (or the answer has not come). */
export function ssoOf(p: Providers | undefined): { name: string; startUrl: string } | null {
  return p?.sso ?? null;
}
