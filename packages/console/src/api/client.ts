/**
 * The console's one way to talk to the Atrium API: a typed openapi-fetch
 * client (paths, parameters, bodies and answers from the server's OpenAPI
 * document, `schema.d.ts`) on the same origin with the session cookie, the
 * CSRF header on every mutation, and RFC 9457 problem details turned into
 * {@link ApiError} (docs/rules.md §6) so every screen can show the server's `detail`
 * and react to its stable `code`.
 *
 * @module
 */
import createFetchClient, { type MaybeOptionalInit } from 'openapi-fetch';
import type { paths } from './schema';

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

/** Query parameters as the console passes them: empty values are left out of the URL. */
type Query = Record<string, string | number | boolean | null | undefined>;

/** `a=b&c=d` from a query, dropping empty values (undefined, null, ''). */
function queryString(query: Query | undefined): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  return qs.toString();
}

/** Called when the API says the session is gone (401 on a non-auth call). */
let onUnauthenticated: (() => void) | null = null;

/** Lets the app react to an expired or revoked session (it sends the person to sign-in). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

/** The problem details of a failed answer (`parsed`: what openapi-fetch read of its body) as an {@link ApiError}. */
function toApiError(res: Response, parsed: unknown): ApiError {
  const body = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
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
 * The typed fetch client: same origin with the session cookie, JSON, the
 * CSRF header on every mutation, network failures as an ApiError with code
 * `network`, and the unauthenticated handler on a 401 outside sign-in.
 */
const client = createFetchClient<paths>({
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  querySerializer: (query) => queryString(query as Query),
});

client.use({
  onRequest({ request }) {
    if (request.method === 'GET') return;
    const token = csrfToken();
    if (token) request.headers.set('x-csrf-token', token);
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && !schemaPath.startsWith('/v1/auth/') && schemaPath !== '/v1/me') {
      onUnauthenticated?.();
    }
  },
  onError({ error }) {
    if ((error as Error | undefined)?.name === 'AbortError') return;
    return new ApiError(0, 'network', 'Atrium is unreachable. Check your connection and try again.');
  },
});

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The API paths that answer `method`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, object> ? P : never;
}[keyof paths];

/** What a call passes besides the path: `params` (`path`, `query`), `body`, `signal`… as the schema requires. */
type Init<P extends PathsWith<M>, M extends Method> = MaybeOptionalInit<paths[P], M>;
type InitArgs<P extends PathsWith<M>, M extends Method> =
  undefined extends Init<P, M> ? [init?: Init<P, M>] : [init: Init<P, M>];

/** A response's JSON body, `undefined` when it has none. */
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;

/**
 * An answer's documented fields only. Objects the server may extend
 * (`additionalProperties`) are generated with an `[key: string]: unknown`
 * index signature, which would let a misspelt field compile; maps such as a
 * matrix (`[key: string]: Level`) keep theirs.
 */
export type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: Known<T[K]> }
    : T;

/** The body of an operation's success answer (2xx; `undefined` when it has none), documented fields only. */
export type ResponseOf<P extends PathsWith<M>, M extends Method> = paths[P][M] extends { responses: infer R }
  ? Known<{ [C in keyof R]: C extends 200 | 201 | 202 | 204 ? JsonOf<R[C]> : never }[keyof R]>
  : never;

/** The JSON body an operation takes. */
export type RequestBodyOf<P extends PathsWith<M>, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** openapi-fetch's call without its types: {@link caller} types every call from the schema instead. */
const send = client.request as unknown as (
  method: Method,
  path: string,
  init?: object,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** `api.GET`, `api.POST`…: the answer's body, or an {@link ApiError} for a non-2xx answer. */
function caller<M extends Method>(method: M) {
  return async <P extends PathsWith<M>>(path: P, ...init: InitArgs<P, M>): Promise<ResponseOf<P, M>> => {
    const { data, error, response } = await send(method, path, init[0]);
    if (!response.ok) throw toApiError(response, error);
    return data as ResponseOf<P, M>;
  };
}

/**
 * Calls the API and returns the parsed JSON body (or `undefined` when there
 * is none). Paths, parameters, bodies and answers are typed from the
 * server's OpenAPI document (`schema.d.ts`, `npm run generate -w
 * @atrium/console`), so a server change the console does not follow fails to
 * compile. Throws {@link ApiError} for any non-2xx answer, and for network
 * failures an ApiError with code `network`.
 *
 * @example
 * ```ts
 * const { user } = await api.GET('/v1/me');
 * await api.POST('/v1/workspaces', { body: { name: 'Acme' } });
 * await api.PATCH('/v1/workspaces/{workspaceId}', { params: { path: { workspaceId } }, body: { name } });
 * ```
 */
export const api = {
  GET: caller('get'),
  POST: caller('post'),
  PUT: caller('put'),
  PATCH: caller('patch'),
  DELETE: caller('delete'),
};

/**
 * The URL of a GET path the browser opens itself (downloads, exports),
 * checked against the schema like {@link api}'s paths.
 *
 * @example
 * ```ts
 * apiUrl('/v1/workspaces/{workspaceId}/invoices/{id}/pdf', { path: { workspaceId, id } });
 * ```
 */
export function apiUrl<P extends PathsWith<'get'>>(
  path: P,
  params: { path?: Record<string, string>; query?: Query } & NonNullable<paths[P]['get']['parameters']>,
): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params.path?.[name] ?? ''),
  );
  const qs = queryString(params.query);
  return qs ? `${filled}?${qs}` : filled;
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
