import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { normalizeEmail } from '../../auth/email';
import { hashPassword } from '../../auth/password';
import { perAccountRateLimit, perIpRateLimit } from '../../auth/rate-limits';
import { clearSessionCookies, setSessionCookies } from '../../auth/sessions';
import { execute } from '../../command/http';
import { problem } from '../../errors';
import { access } from '../../http/access';
import { userOf } from '../../http/guard';
import {
  NoAccountRolledBack,
  requestPasswordReset,
  resetPassword,
  signUp,
  verifyEmail,
} from './commands/account';
import { recordSignInFailure, type SignedInResult, signIn, signOut } from './commands/session';
import { checkCredentials, prepareSignUp, requireGoodPassword } from './credentials';
import {
  Accepted,
  Ok,
  Providers,
  presentUser,
  ResetConfirmBody,
  ResetRequestBody,
  SignedIn,
  SignInBody,
  SignUpBody,
  TokenBody,
} from './schema';
import { ssoRoutes } from './sso-routes';

const tags = ['auth'];

/** Sets the cookies of a new session and answers `{ user, csrfToken }`. */
export function sendSignedIn(reply: FastifyReply, result: SignedInResult, status = 200) {
  setSessionCookies(reply, reply.server.config, result, result.csrfToken);
  return reply.status(status).send({ user: presentUser(result.user), csrfToken: result.csrfToken });
}

/**
 * Sign-up, sign-in, sign-out, email verification and password reset
 * (issue 4; docs/rules.md §4 "Authentication is not authorization", §6). Abuse-prone
 * routes are limited per IP (`config.rateLimit`) and per account.
 */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(ssoRoutes);

  app.get(
    '/v1/auth/providers',
    {
      config: { access: access.public() },
      schema: {
        tags,
        summary: 'How people can sign in (password; SSO when configured)',
        response: { 200: Providers },
      },
    },
    async () => ({
      password: true,
      sso: app.config.oidc ? { name: app.config.oidc.providerName, startUrl: '/v1/auth/sso/start' } : null,
    }),
  );

  app.post(
    '/v1/auth/sign-up',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      preHandler: perAccountRateLimit(app, 'sign-up'),
      schema: {
        tags,
        summary: 'Create an account with email and password, and sign in',
        body: SignUpBody,
        response: { 201: SignedIn },
      },
    },
    async (req, reply) => {
      const input = await prepareSignUp(req.body);
      const { value } = await execute(req, signUp, { ...input, config: app.config });
      return sendSignedIn(reply, value, 201);
    },
  );

  app.post(
    '/v1/auth/sign-in',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      preHandler: perAccountRateLimit(app, 'sign-in'),
      schema: {
        tags,
        summary: 'Sign in with email and password (sets the session cookie)',
        body: SignInBody,
        response: { 200: SignedIn },
      },
    },
    async (req, reply) => {
      const check = await checkCredentials(app.db, app.config, req.body);
      if (!check.ok) {
        // Committed before the refusal: the lockout counter and the entry outlive the 401.
        await execute(req, recordSignInFailure, {
          email: check.email,
          user: check.user,
          windowMs: app.config.signInFailureWindowMinutes * 60_000,
        });
        throw problem('invalid_credentials');
      }
      const { value } = await execute(req, signIn, {
        user: check.user,
        email: check.email,
        config: app.config,
      });
      return sendSignedIn(reply, value);
    },
  );

  app.post(
    '/v1/auth/sign-out',
    {
      config: { access: access.signedIn() },
      schema: { tags, summary: 'End the current session', response: { 200: Ok } },
    },
    async (req, reply) => {
      await execute(req, signOut, { sessionId: userOf(req).sessionId });
      clearSessionCookies(reply, app.config);
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/v1/auth/verify-email',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        summary: 'Confirm an email address with the token from the emailed link',
        body: TokenBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await execute(req, verifyEmail, { token: req.body.token });
      return { status: 'ok' as const };
    },
  );

  // The emailed link itself: verifies, then sends the browser to the console.
  app.get(
    '/v1/auth/verify-email',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        summary: 'The emailed verification link (redirects to the console)',
        // Extra query parameters (mail clients add tracking ones) are ignored.
        querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
      },
    },
    async (req, reply) => {
      try {
        await execute(req, verifyEmail, { token: req.query.token });
        return reply.redirect(`${app.config.publicUrl}/?emailVerified=1`, 303);
      } catch (err) {
        if ((err as { code?: string }).code === 'token_invalid') {
          return reply.redirect(`${app.config.publicUrl}/?emailVerified=0`, 303);
        }
        throw err;
      }
    },
  );

  app.post(
    '/v1/auth/password-reset',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      preHandler: perAccountRateLimit(app, 'password-reset'),
      schema: {
        tags,
        summary: 'Email a password reset link (same answer whether or not the address has an account)',
        body: ResetRequestBody,
        response: { 202: Accepted },
      },
    },
    async (req, reply) => {
      const email = normalizeEmail(req.body.email);
      try {
        if (email) await execute(req, requestPasswordReset, { email, config: app.config });
      } catch (err) {
        // The same work was done for an address without an account, then rolled back.
        if (!(err instanceof NoAccountRolledBack)) throw err;
      }
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/v1/auth/password-reset/confirm',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        summary: 'Set a new password with the token from the emailed link (ends every session)',
        body: ResetConfirmBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      requireGoodPassword(req.body.password);
      const passwordHash = await hashPassword(req.body.password);
      await execute(req, resetPassword, { token: req.body.token, passwordHash });
      return { status: 'ok' as const };
    },
  );
};
