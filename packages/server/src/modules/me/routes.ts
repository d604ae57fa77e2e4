import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { csrfTokenOf } from '../../auth/authenticate';
import { notFound } from '../../errors';
import { access } from '../../http/access';
import { userOf } from '../../http/guard';
import { presentUser, UserView } from '../auth/schema';

const tags = ['me'];

/** The signed-in user's own account (SPEC §2 "own profile, own sessions"). */
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
      const user = await app.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', me.userId)
        .executeTakeFirst();
      if (!user) throw notFound('user');
      return { user: presentUser(user), csrfToken: csrfTokenOf(req) ?? '' };
    },
  );
};
