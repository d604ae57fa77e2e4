import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { csrfTokenOf } from '../../auth/authenticate';
import { clearSessionCookies } from '../../auth/sessions';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { userOf } from '../../http/guard';
import { Name, Ok, presentUser, UserView } from '../auth/schema';
import {
  changePassword,
  resendVerification,
  revokeOtherSessions,
  revokeSession,
  updateProfile,
} from './commands';
import { preparePasswordChange } from './password';
import { getMe, listSessions } from './queries';

const tags = ['me'];

const SessionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  current: Type.Boolean(),
  method: Type.Union([Type.Literal('password'), Type.Literal('sso')]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

/** The signed-in user's own account and sessions (docs/rules.md §2 "own profile, own sessions"; §6 /v1/me). */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/me',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'The signed-in user, and the CSRF token of this session',
        response: { 200: Type.Object({ user: UserView, csrfToken: Type.String() }) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const user = await getMe(app.db, me.userId);
      return { user: presentUser(user), csrfToken: csrfTokenOf(req) ?? '' };
    },
  );

  app.patch(
    '/v1/me',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Edit your profile (name, avatar URL)',
        body: Type.Object(
          {
            name: Type.Optional(Name),
            avatarUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: UserView }) },
      },
    },
    async (req) => ({ user: presentUser((await execute(req, updateProfile, req.body)).value) }),
  );

  app.post(
    '/v1/me/password',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Change your password (needs the current one; ends your other sessions)',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
            newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ status: Type.Literal('ok'), sessionsEnded: Type.Integer() }) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const passwordHash = await preparePasswordChange(app.db, me.userId, req.body);
      const { value } = await execute(req, changePassword, { passwordHash, sessionId: me.sessionId });
      return { status: 'ok' as const, ...value };
    },
  );

  app.post(
    '/v1/me/verify-email',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Email a new verification link',
        response: { 202: Type.Object({ status: Type.Literal('accepted') }) },
      },
    },
    async (req, reply) => {
      await execute(req, resendVerification, { config: app.config });
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.get(
    '/v1/me/sessions',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Your signed-in sessions (the current one marked)',
        response: { 200: Type.Object({ sessions: Type.Array(SessionView) }) },
      },
    },
    async (req) => ({ sessions: await listSessions(app.db, app.config, userOf(req)) }),
  );

  app.delete(
    '/v1/me/sessions/:id',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'End one of your sessions (ending the current one signs you out)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Ok },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      await execute(req, revokeSession, { sessionId: req.params.id });
      if (req.params.id === me.sessionId) clearSessionCookies(reply, app.config);
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/v1/me/sessions/revoke-others',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Sign out every other session',
        response: { 200: Type.Object({ status: Type.Literal('ok'), sessionsEnded: Type.Integer() }) },
      },
    },
    async (req) => ({
      status: 'ok' as const,
      sessionsEnded: (await execute(req, revokeOtherSessions, { keepSessionId: userOf(req).sessionId }))
        .value,
    }),
  );

  app.post(
    '/v1/me/sessions/revoke-all',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Sign out everywhere, this session included',
        response: { 200: Type.Object({ status: Type.Literal('ok'), sessionsEnded: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      const { value: sessionsEnded } = await execute(req, revokeOtherSessions, { keepSessionId: null });
      clearSessionCookies(reply, app.config);
      return { status: 'ok' as const, sessionsEnded };
    },
  );
};
