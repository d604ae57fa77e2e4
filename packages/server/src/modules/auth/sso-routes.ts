import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { oidcClient } from '../../auth/oidc';
import { perIpRateLimit } from '../../auth/rate-limits';
import { setSessionCookies } from '../../auth/sessions';
import { execute } from '../../command/http';
import { notFound } from '../../errors';
import { access } from '../../http/access';
import { recordSsoFailure } from './commands/sso';
import { finishSso, SsoError, safeReturnTo, startSso } from './sso';

/** Binds an SSO attempt to the browser that started it (HttpOnly, path-limited, 10 minutes). */
const SSO_COOKIE = 'atrium_sso';
const SSO_COOKIE_PATH = '/v1/auth/sso';

/**
 * OpenID Connect SSO (issue 4): GET /v1/auth/sso/start redirects to the
 * provider; GET /v1/auth/sso/callback signs in and redirects to the console.
 * Browser-facing: failures redirect to the console with `?ssoError=<reason>`
 * instead of answering JSON.
 */
export const ssoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const oidc = oidcClient(app.config);
  const secure = app.config.publicUrl.startsWith('https:');
  const tags = ['auth'];
  const consoleUrl = (path: string) => `${app.config.publicUrl}${path}`;

  app.get(
    '/v1/auth/sso/start',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        summary: 'Start SSO sign-in (redirects to the OpenID provider)',
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })) }),
      },
    },
    async (req, reply) => {
      if (!oidc) throw notFound('SSO provider: SSO is not configured');
      try {
        const { url, state } = await startSso(req, oidc, safeReturnTo(req.query.returnTo));
        reply.setCookie(SSO_COOKIE, state, {
          path: SSO_COOKIE_PATH,
          httpOnly: true,
          sameSite: 'lax',
          secure,
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      } catch (err) {
        if (!(err instanceof SsoError)) throw err;
        req.log.warn({ reason: err.reason, error: err.message }, 'SSO start failed');
        return reply.redirect(consoleUrl(`/?ssoError=${err.reason}`), 303);
      }
    },
  );

  app.get(
    '/v1/auth/sso/callback',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: { tags, summary: 'The OpenID provider returns here (signs in, then redirects to the console)' },
    },
    async (req, reply) => {
      if (!oidc) throw notFound('SSO provider: SSO is not configured');
      reply.clearCookie(SSO_COOKIE, { path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure });
      try {
        // The URL the provider redirected to, rebuilt from PUBLIC_URL (not from Host headers).
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        const callbackUrl = new URL(`${oidc.redirectUri}${query}`);
        const result = await finishSso(req, app.config, oidc, callbackUrl, req.cookies[SSO_COOKIE]);
        setSessionCookies(reply, app.config, result, result.csrfToken);
        return reply.redirect(consoleUrl(result.returnTo ?? '/'), 303);
      } catch (err) {
        if (!(err instanceof SsoError)) throw err;
        req.log.warn({ reason: err.reason, error: err.message }, 'SSO sign-in failed');
        // A failed sign-in is audited like a wrong password (docs/rules.md §5), as a command of its own.
        await execute(req, recordSsoFailure, { reason: err.reason, email: err.email });
        return reply.redirect(consoleUrl(`/?ssoError=${err.reason}`), 303);
      }
    },
  );
};
