import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/**
 * Test factories: each test makes its own users (and workspaces), so tests
 * in one file never depend on each other. Users are created through the real
 * API (sign-up, sign-in), never by writing rows behind the app's back —
 * except marking the email verified, which would otherwise need the mailbox.
 */

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  /** `atrium_session=…` for the Cookie header. */
  cookie: string;
  /** The session's CSRF token for the x-csrf-token header. */
  csrf: string;
}

function cookieValue(res: LightMyRequestResponse, name: string): string | undefined {
  return res.cookies.find((c) => c.name === name)?.value;
}

/** Signs in through the API and returns the Cookie header value and the CSRF token. */
export async function signInAs(
  app: FastifyInstance,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string; userId: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed (${res.statusCode}): ${res.body}`);
  const body = res.json() as { user: { id: string }; csrfToken: string };
  const token = cookieValue(res, 'atrium_session');
  if (!token) throw new Error('sign-in set no session cookie');
  return { cookie: `atrium_session=${token}`, csrf: body.csrfToken, userId: body.user.id };
}

/**
 * A new user with a unique email (`user-<random>@example.com` unless given),
 * signed up through the API, marked verified, and signed in.
 */
export async function createUser(
  app: FastifyInstance,
  opts: { email?: string; name?: string; password?: string } = {},
): Promise<TestUser> {
  const suffix = randomBytes(6).toString('hex');
  const email = opts.email ?? `user-${suffix}@example.com`;
  const name = opts.name ?? `User ${suffix}`;
  const password = opts.password ?? `correct horse ${suffix}`;
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/sign-up',
    payload: { email, password, name },
  });
  if (res.statusCode !== 201) throw new Error(`sign-up failed (${res.statusCode}): ${res.body}`);
  const { user } = res.json() as { user: { id: string; email: string } };
  await app.db
    .updateTable('users')
    .set({ email_verified_at: new Date() })
    .where('id', '=', user.id)
    .execute();
  const session = await signInAs(app, email, password);
  return { id: user.id, email: user.email, name, password, cookie: session.cookie, csrf: session.csrf };
}

/**
 * A request function acting as a user (Cookie + x-csrf-token) or an API key
 * (Authorization: Bearer). Headers given in `opts` win.
 */
export function as(
  app: FastifyInstance,
  who: TestUser | { apiKey: string },
): (opts: InjectOptions) => Promise<LightMyRequestResponse> {
  const auth: Record<string, string> =
    'apiKey' in who
      ? { authorization: `Bearer ${who.apiKey}` }
      : { cookie: who.cookie, 'x-csrf-token': who.csrf };
  return (opts) =>
    app.inject({
      ...opts,
      headers: { ...auth, ...((opts.headers as Record<string, string> | undefined) ?? {}) },
    }) as Promise<LightMyRequestResponse>;
}
