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
 * signed up through the API (which signs them in: one session, whose cookie
 * and CSRF token are returned) and marked verified.
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
  const { user, csrfToken } = res.json() as { user: { id: string; email: string }; csrfToken: string };
  const token = cookieValue(res, 'atrium_session');
  if (!token) throw new Error('sign-up set no session cookie');
  await app.db
    .updateTable('users')
    .set({ email_verified_at: new Date() })
    .where('id', '=', user.id)
    .execute();
  return {
    id: user.id,
    email: user.email,
    name,
    password,
    cookie: `atrium_session=${token}`,
    csrf: csrfToken,
  };
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

/** A workspace created through the API by `admin` (who becomes its admin). */
export async function createWorkspace(
  app: FastifyInstance,
  admin: TestUser,
  name = `Workspace ${randomBytes(4).toString('hex')}`,
): Promise<{ id: string; name: string }> {
  const res = await as(app, admin)({ method: 'POST', url: '/v1/workspaces', payload: { name } });
  if (res.statusCode !== 201) throw new Error(`create workspace failed (${res.statusCode}): ${res.body}`);
  return { id: (res.json() as { id: string }).id, name };
}

/**
 * Makes `user` (a new one unless given) a member of the workspace through the
 * API: the admin invites the account and it accepts the invitation (an
 * existing account joins only by accepting: docs/rules.md §4), then sets the
 * role (with confirmReset), agent access and grant when asked.
 */
export async function addMember(
  app: FastifyInstance,
  admin: TestUser,
  workspaceId: string,
  opts: {
    user?: TestUser;
    role?: 'admin' | 'member';
    agentAccess?: 'all' | 'assigned';
    matrix?: Record<string, string>;
    presetId?: string;
  } = {},
): Promise<TestUser> {
  const user = opts.user ?? (await createUser(app));
  const call = as(app, admin);
  const res = await call({
    method: 'POST',
    url: `/v1/workspaces/${workspaceId}/invitations`,
    payload: { emails: [user.email] },
  });
  if (res.statusCode !== 200) throw new Error(`add member failed (${res.statusCode}): ${res.body}`);
  const [result] = (res.json() as { results: { status: string; invitationId?: string }[] }).results;
  if (result?.invitationId) await acceptInvitation(app, user, result.invitationId);
  else if (result?.status !== 'already_member') throw new Error(`add member failed: ${res.body}`);
  const patch: Record<string, unknown> = {};
  if (opts.role && opts.role !== 'member') Object.assign(patch, { role: opts.role, confirmReset: true });
  if (opts.agentAccess) patch.agentAccess = opts.agentAccess;
  if (opts.matrix) patch.matrix = opts.matrix;
  if (opts.presetId) patch.presetId = opts.presetId;
  if (Object.keys(patch).length > 0) {
    const p = await call({
      method: 'PATCH',
      url: `/v1/workspaces/${workspaceId}/members/${user.id}`,
      payload: patch,
    });
    if (p.statusCode !== 200) throw new Error(`update member failed (${p.statusCode}): ${p.body}`);
  }
  return user;
}

/** An agent created through the API by `creator` (who becomes its agent admin). */
export async function createAgent(
  app: FastifyInstance,
  creator: TestUser,
  workspaceId: string,
  opts: { name?: string; plan?: 'starter' | 'pro' | 'enterprise' } = {},
): Promise<{ id: string; name: string; status: string | null }> {
  const name = opts.name ?? `Agent ${randomBytes(4).toString('hex')}`;
  const res = await as(
    app,
    creator,
  )({
    method: 'POST',
    url: `/v1/workspaces/${workspaceId}/agents`,
    payload: { name, plan: opts.plan ?? 'starter' },
  });
  if (res.statusCode !== 201) throw new Error(`create agent failed (${res.statusCode}): ${res.body}`);
  const body = res.json() as { id: string; status: string | null };
  return { id: body.id, name, status: body.status };
}

/** `user` accepts an invitation addressed to their (verified) email, without the link. */
export async function acceptInvitation(
  app: FastifyInstance,
  user: TestUser,
  invitationId: string,
): Promise<void> {
  const res = await as(app, user)({ method: 'POST', url: `/v1/me/invitations/${invitationId}/accept` });
  if (res.statusCode !== 200) throw new Error(`accept invitation failed (${res.statusCode}): ${res.body}`);
}

/**
 * Gives `user` a role (and optionally a grant) on an agent through the API,
 * acting as `actor`: invited by email, then accepted by the user.
 */
export async function addAgentMember(
  app: FastifyInstance,
  actor: TestUser,
  workspaceId: string,
  agentId: string,
  user: TestUser,
  opts: { role?: 'agent_admin' | 'agent_user'; matrix?: Record<string, string>; presetId?: string } = {},
): Promise<void> {
  const res = await as(
    app,
    actor,
  )({
    method: 'POST',
    url: `/v1/workspaces/${workspaceId}/agents/${agentId}/members`,
    payload: {
      email: user.email,
      role: opts.role ?? 'agent_user',
      matrix: opts.matrix,
      presetId: opts.presetId,
    },
  });
  if (res.statusCode !== 202) throw new Error(`add agent member failed (${res.statusCode}): ${res.body}`);
  await acceptInvitation(app, user, (res.json() as { invitationId: string }).invitationId);
}
