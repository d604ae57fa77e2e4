import { hasAgentAccess, hasCapability } from '@atrium/policy';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { addComment, createTicket, updateTicket } from './commands';
import { getTicket, listTickets, type TicketViewer } from './queries';
import {
  CommentBody,
  CreateTicketBody,
  ListTicketsQuery,
  TicketParams,
  TicketSummary,
  TicketView,
  UpdateTicketBody,
  WorkspaceParams,
} from './schema';

const tags = ['help center'];
const BASE = '/v1/workspaces/:workspaceId/tickets';

/**
 * Which tickets the caller sees: the engine's `tickets.read_all` capability
 * on the state the guard decided on (docs/rules.md §2: workspace admins see every
 * ticket, others only their own). A data filter, not an access check: every
 * member may use the help center.
 */
function viewerOf(req: FastifyRequest): TicketViewer {
  const user = userOf(req);
  const scope = scopeOf(req);
  return { userId: user.userId, all: hasCapability(scope.state, scope.subject, 'tickets.read_all') };
}

/** Help-center tickets and their comments (docs/rules.md §4). */
export const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    BASE,
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: 'Tickets: all of the workspace for admins, your own otherwise',
        params: WorkspaceParams,
        querystring: ListTicketsQuery,
        response: {
          200: Type.Object({
            tickets: Type.Array(TicketSummary),
            scope: Type.Union([Type.Literal('all'), Type.Literal('own')]),
          }),
        },
      },
    },
    async (req) => {
      const viewer = viewerOf(req);
      const tickets = await listTickets(app.db, scopeOf(req).workspaceId, viewer, req.query);
      return { tickets, scope: viewer.all && !req.query.mine ? ('all' as const) : ('own' as const) };
    },
  );

  app.post(
    BASE,
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: 'File a ticket',
        params: WorkspaceParams,
        body: CreateTicketBody,
        response: { 201: TicketView },
      },
    },
    async (req, reply) => {
      userOf(req);
      const scope = scopeOf(req);
      const { value } = await execute(req, createTicket, {
        ticket: req.body,
        agentVisible: (agentId) => hasAgentAccess(scope.state, scope.subject, agentId),
      });
      reply.status(201);
      return value;
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: 'One ticket with its comments',
        params: TicketParams,
        response: { 200: TicketView },
      },
    },
    async (req) => getTicket(app.db, scopeOf(req).workspaceId, req.params.id, viewerOf(req)),
  );

  app.patch(
    `${BASE}/:id`,
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: "Change a ticket's subject or status",
        params: TicketParams,
        body: UpdateTicketBody,
        response: { 200: TicketView },
      },
    },
    async (req) =>
      (await execute(req, updateTicket, { id: req.params.id, patch: req.body, viewer: viewerOf(req) })).value,
  );

  app.post(
    `${BASE}/:id/comments`,
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: 'Comment on a ticket',
        params: TicketParams,
        body: CommentBody,
        response: { 201: TicketView },
      },
    },
    async (req, reply) => {
      const viewer = viewerOf(req);
      const { value } = await execute(req, addComment, { id: req.params.id, text: req.body.body, viewer });
      reply.status(201);
      return value;
    },
  );
};
