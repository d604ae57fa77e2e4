/**
 * The console's one way to talk to the Atrium API: `fetch` on the same origin
 * with the session cookie, the CSRF header on every mutation, and RFC 9457
 * problem details turned into {@link ApiError} (SPEC §6) so every screen can
 * show the server's `detail` and react to its stable `code`.
 *
 * @module
 */

/** One problem with one field of a request (`errors` of a `validation_failed` problem). */
export interface FieldIssue {
  path: string;
  message: string;
  valid?: readonly string[];
}

/** An API failure: the problem details document the server answered with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldIssue[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

const CSRF_STORAGE_KEY = 'atrium.csrf';
const CSRF_COOKIE = 'atrium_csrf';

/**
 * Remembers the CSRF token handed out at sign-in (and by GET /v1/me). Kept in
 * sessionStorage so a reload keeps working; the token is bound to the session
 * server-side, so it is worthless without the HttpOnly session cookie.
 */
export function setCsrfToken(token: string | null | undefined): void {
  try {
    if (token) sessionStorage.setItem(CSRF_STORAGE_KEY, token);
    else sessionStorage.removeItem(CSRF_STORAGE_KEY);
  } catch {
    // Storage can be disabled; the cookie fallback below still works.
  }
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/**
 * Whether the browser holds a session: the server sets the readable CSRF
 * cookie together with the HttpOnly session cookie (same expiry) and clears
 * both at sign-out. Without it there is no point asking GET /v1/me (and
 * getting a 401 logged in the browser console).
 */
export function hasSessionCookie(): boolean {
  return readCookie(CSRF_COOKIE) !== null;
}

/** The CSRF token for the current session: a JS-readable cookie if the server sets one, else the stored one. */
function csrfToken(): string | null {
  const fromCookie = readCookie(CSRF_COOKIE);
  if (fromCookie) return fromCookie;
  try {
    return sessionStorage.getItem(CSRF_STORAGE_KEY);
  } catch {
    return null;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** Builds `/v1/...?a=b`, dropping empty values. */
export function apiPath(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

/** Called when the API says the session is gone (401 on a non-auth call). */
let onUnauthenticated: (() => void) | null = null;

/** Lets the app react to an expired or revoked session (it sends the person to sign-in). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const text = await res.text();
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  const code = typeof body.code === 'string' ? body.code : res.status >= 500 ? 'internal' : 'error';
  const detail =
    typeof body.detail === 'string'
      ? body.detail
      : typeof body.title === 'string'
        ? body.title
        : `${res.status} ${res.statusText || 'Request failed'}`;
  const errors = Array.isArray(body.errors) ? (body.errors as FieldIssue[]) : [];
  return new ApiError(res.status, code, detail, errors, body);
}

/**
 * Calls the API and returns the parsed JSON body (or `undefined` for 204).
 * Throws {@link ApiError} for any non-2xx answer, and for network failures an
 * ApiError with code `network`.
 *
 * @example
 * ```ts
 * const me = await api<Me>('/v1/me');
 * await api('/v1/workspaces', { method: 'POST', body: { name: 'Acme' } });
 * ```
 */
export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(apiPath(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Atrium is unreachable. Check your connection and try again.');
  }
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && !path.startsWith('/v1/auth/') && path !== '/v1/me') onUnauthenticated?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A short human message for any error thrown by {@link api} (or anything else). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.errors.length > 0 && err.code === 'validation_failed') {
      return err.errors.map((e) => `${fieldName(e.path)}: ${e.message}`).join('; ');
    }
    return err.detail;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}

/** `/body/email` → `email`, for showing validation errors next to fields. */
function fieldName(path: string): string {
  return path.replace(/^\/(body|query|params)\/?/, '').replace(/\//g, '.') || 'request';
}

/** The validation message for one field, if the error names it. */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  return err.errors.find((e) => fieldName(e.path) === field || fieldName(e.path).startsWith(`${field}.`))
    ?.message;
}

/**
 * Lists come back as `{ <name>: [...], nextCursor }` (or `items`); this reads
 * the array whichever key the resource uses.
 */
export function listOf<T>(res: unknown, ...keys: string[]): T[] {
  if (Array.isArray(res)) return res as T[];
  if (res && typeof res === 'object') {
    const o = res as Record<string, unknown>;
    for (const k of [...keys, 'items', 'data', 'results']) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}
