import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { perIpRateLimit } from '../../auth/rate-limits';
import { setSessionCookies } from '../../auth/sessions';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { WorkspaceParams } from '../workspaces/schema';
import { acceptInvitation, acceptMyInvitation, prepareAcceptance } from './commands/accept';
import { resendInvitation, revokeInvitation } from './commands/manage';
import { invite } from './commands/send';
import { listInvitations, listMyInvitations, lookupInvitation } from './queries';
import {
  AcceptBody,
  AcceptView,
  InvitationList,
  InvitationParams,
  InvitationView,
  InviteBody,
  InviteResponse,
  ListInvitationsQuery,
  LookupQuery,
  LookupView,
  MyInvitationList,
  Revoked,
} from './schema';

const tags = ['invitations'];

/** Invitations: invite (bulk), list, resend, revoke, look up and accept (docs/rules.md §4). */
export const invitationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/workspaces/:workspaceId/invitations',
    {
      // What is needed depends on the body (workspace.manage for the
      // workspace, agent.manage on each chosen agent): the command asks the
      // engine's hasCapability for each target.
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: InviteResponse },
        summary: 'Invite up to 100 addresses to the workspace or to chosen agents (per-address results)',
        params: WorkspaceParams,
        body: InviteBody,
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, invite, { body: req.body, settings: app.config });
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/invitations',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: InvitationList },
        summary: 'Invitations you manage (pending by default)',
        params: WorkspaceParams,
        querystring: ListInvitationsQuery,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return { invitations: await listInvitations(app.db, scope.state, scope.subject, req.query.status) };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/invitations/:id/resend',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: InvitationView },
        summary: 'Send the invitation again with a new link (the old link dies)',
        params: InvitationParams,
      },
    },
    async (req) => {
      const { value } = await execute(req, resendInvitation, { id: req.params.id, settings: app.config });
      return value;
    },
  );

  app.delete(
    '/v1/workspaces/:workspaceId/invitations/:id',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: Revoked },
        summary: 'Revoke a pending invitation',
        params: InvitationParams,
      },
    },
    async (req) => (await execute(req, revokeInvitation, { id: req.params.id })).value,
  );

  app.get(
    '/v1/invitations/lookup',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        response: { 200: LookupView },
        summary: 'What an invitation link is for (workspace, inviter, email, status): public, by token',
        querystring: LookupQuery,
      },
    },
    async (req) => lookupInvitation(app.db, req.query.token),
  );

  app.post(
    '/v1/invitations/accept',
    {
      config: { access: access.public(), rateLimit: perIpRateLimit(app) },
      schema: {
        tags,
        response: { 200: AcceptView, 201: AcceptView },
        summary:
          'Accept an invitation: signed in with the invited email, or with name and password to sign up',
        body: AcceptBody,
      },
    },
    async (req, reply) => {
      const passwordHash = await prepareAcceptance(req.principal, req.body);
      const { value, revision } = await execute(req, acceptInvitation, {
        token: req.body.token,
        name: req.body.name,
        passwordHash,
        principal: req.principal,
        config: app.config,
      });
      const { session, ...accepted } = value;
      const result = { ...accepted, revision: revision ?? accepted.revision };
      if (session) {
        setSessionCookies(reply, app.config, session, session.csrfToken);
        reply.status(201);
        return { ...result, csrfToken: session.csrfToken };
      }
      return result;
    },
  );

  app.get(
    '/v1/me/invitations',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Pending invitations addressed to your email (join without the link)',
        response: { 200: MyInvitationList },
      },
    },
    async (req) => ({ invitations: await listMyInvitations(app.db, userOf(req).email) }),
  );

  app.post(
    '/v1/me/invitations/:id/accept',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Accept an invitation addressed to your (verified) email',
        params: Type.Object({ id: Type.String() }),
        response: { 200: AcceptView },
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, acceptMyInvitation, {
        id: req.params.id,
        principal: req.principal,
      });
      return { ...value, revision: revision ?? value.revision };
    },
  );
};
