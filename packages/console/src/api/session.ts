import { useQuery } from '@tanstack/react-query';
import { ApiError, api, hasSessionCookie, setCsrfToken } from './client';
import { queryClient } from './queryClient';
import type { Me } from './types';

/** GET /v1/me may wrap the user (`{ user }`) or be the user itself; either way we get a {@link Me}. */
function toMe(res: unknown): Me {
  const o = (res ?? {}) as Record<string, unknown>;
  const user = (o.user && typeof o.user === 'object' ? o.user : o) as Me;
  if (typeof o.csrfToken === 'string') setCsrfToken(o.csrfToken);
  return user;
}

/** The signed-in user, or null when there is no session (401). */
async function fetchMe(): Promise<Me | null> {
  if (!hasSessionCookie()) return null;
  try {
    return toMe(await api('/v1/me'));
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
  const res = await api<{ user: Me; csrfToken?: string }>('/v1/auth/sign-in', {
    method: 'POST',
    body: { email, password },
  });
  const me = toMe(res);
  queryClient.clear();
  queryClient.setQueryData(['me'], me);
  return me;
}

export async function signOut(): Promise<void> {
  try {
    await api('/v1/auth/sign-out', { method: 'POST' });
  } finally {
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(['me'], null);
  }
}

/** Whether the server has SSO configured, and how to label it (GET /v1/auth/providers). */
export interface Providers {
  password?: boolean;
  sso?: { enabled?: boolean; name?: string; startUrl?: string } | boolean | null;
  ssoName?: string;
}

export function useProviders() {
  return useQuery({
    queryKey: ['auth-providers'],
    queryFn: () => api<Providers>('/v1/auth/providers'),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** Normalises the providers answer to "is SSO on, and what is it called". */
export function ssoOf(p: Providers | undefined): { enabled: boolean; name: string; startUrl: string } | null {
  if (!p) return null;
  const sso = p.sso;
  if (!sso) return null;
  if (sso === true) return { enabled: true, name: p.ssoName ?? 'SSO', startUrl: '/v1/auth/sso/start' };
  if (sso.enabled === false) return null;
  return {
    enabled: true,
    name: sso.name ?? p.ssoName ?? 'SSO',
    startUrl: sso.startUrl ?? '/v1/auth/sso/start',
  };
}
