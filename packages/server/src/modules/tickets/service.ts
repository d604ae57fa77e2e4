import type { Kysely, Transaction } from 'kysely';
import { recordActivity } from '../../audit/record';
import type { DB } from '../../db/schema';
import { notFound, validationFailed } from '../../errors';
import { requireUuid, type WriteContext } from '../agent-resources/context';

/**
 * Help-center tickets (SPEC §4): any member files tickets, optionally about an
 * agent; workspace admins see and update every ticket of the workspace,
 * everyone else only their own. Who counts as "sees all" is the engine's
 * `tickets.read_all` capability, computed by the route and passed in as
 * {@link TicketViewer}: here it is only a data filter. A ticket the viewer
 * may not see answers 404, exactly like one that does not exist.
 */

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

/** Whose tickets a caller sees. */
export interface TicketViewer {
  userId: string;
  /** The `tickets.read_all` capability (workspace admins). */
  all: boolean;
}

function iso(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

function baseQuery(db: Db | Tx, workspaceId: string) {
  return db
    .selectFrom('tickets')
    .leftJoin('users', 'users.id', 'tickets.created_by')
    .select([
      'tickets.id',
      'tickets.subject',
      'tickets.body',
      'tickets.status',
      'tickets.agent_id',
      'tickets.created_by',
      'tickets.created_at',
      'tickets.updated_at',
      'users.name as creator_name',
      'users.email as creator_email',
      (eb) =>
        eb
          .selectFrom('ticket_comments')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('ticket_comments.ticket_id', '=', 'tickets.id')
          .as('comment_count'),
    ])
    .where('tickets.workspace_id', '=', workspaceId);
}

type TicketRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function presentSummary(r: TicketRow) {
  return {
    id: r.id,
    subject: r.subject,
    status: r.status,
    agentId: r.agent_id,
    createdBy: { id: r.created_by, name: r.creator_name || r.creator_email || 'Former member' },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    commentCount: Number(r.comment_count ?? 0),
  };
}

/** The viewer's tickets (or all of the workspace's for admins), newest first. */
export async function listTickets(
  db: Db,
  workspaceId: string,
  viewer: TicketViewer,
  filter: { status?: 'open' | 'pending' | 'closed'; mine?: boolean; limit?: number },
) {
  let q = baseQuery(db, workspaceId);
  // The data filter of SPEC §4: without tickets.read_all, only the caller's own tickets exist.
  if (!viewer.all || filter.mine) q = q.where('tickets.created_by', '=', viewer.userId);
  if (filter.status) q = q.where('tickets.status', '=', filter.status);
  const rows = await q
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
  return rows.map(presentSummary);
}

async function findVisible(db: Db | Tx, workspaceId: string, id: string, viewer: TicketViewer) {
  requireUuid(id, 'ticket');
  let q = baseQuery(db, workspaceId).where('tickets.id', '=', id);
  if (!viewer.all) q = q.where('tickets.created_by', '=', viewer.userId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('ticket');
  return row;
}

/** One ticket with its comments (404 when the viewer may not see it). */
export async function getTicket(db: Db | Tx, workspaceId: string, id: string, viewer: TicketViewer) {
  const row = await findVisible(db, workspaceId, id, viewer);
  const comments = await db
    .selectFrom('ticket_comments')
    .select(['id', 'author_id', 'author_name', 'body', 'created_at'])
    .where('ticket_id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    ...presentSummary(row),
    body: row.body,
    comments: comments.map((c) => ({
      id: c.id,
      author: { id: c.author_id, name: c.author_name },
      body: c.body,
      createdAt: iso(c.created_at),
    })),
  };
}

/**
 * Files a ticket. `agentVisible` tells whether the named agent is one the
 * filer has access to (from the engine); otherwise the field is rejected
 * without revealing whether the agent exists.
 */
export async function createTicket(
  db: Db,
  workspaceId: string,
  userId: string,
  input: { subject: string; body: string; agentId?: string },
  agentVisible: (agentId: string) => boolean,
  ctx: WriteContext,
) {
  const subject = input.subject.trim();
  const body = input.body.trim();
  const issues = [];
  if (!subject) issues.push({ path: '/body/subject', message: 'must not be blank' });
  if (!body) issues.push({ path: '/body/body', message: 'must not be blank' });
  if (input.agentId !== undefined && !agentVisible(input.agentId)) {
    issues.push({ path: '/body/agentId', message: 'no such agent' });
  }
  if (issues.length) throw validationFailed(issues);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('tickets')
      .values({
        workspace_id: workspaceId,
        subject,
        body,
        agent_id: input.agentId ?? null,
        created_by: userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'ticket.created',
      target: { type: 'ticket', id: row.id },
      agentId: input.agentId ?? null,
      after: { subject },
      origin: ctx.origin,
    });
    return getTicket(tx, workspaceId, row.id, { userId, all: true });
  });
}

/** Changes a visible ticket's subject or status. */
export async function updateTicket(
  db: Db,
  workspaceId: string,
  id: string,
  patch: { subject?: string; status?: 'open' | 'pending' | 'closed' },
  viewer: TicketViewer,
  ctx: WriteContext,
) {
  const subject = patch.subject?.trim();
  if (patch.subject !== undefined && !subject) {
    throw validationFailed([{ path: '/body/subject', message: 'must not be blank' }]);
  }
  return db.transaction().execute(async (tx) => {
    const before = await findVisible(tx, workspaceId, id, viewer);
    await tx
      .updateTable('tickets')
      .set({
        ...(subject ? { subject } : {}),
        ...(patch.status ? { status: patch.status } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: patch.status && patch.status !== before.status ? 'ticket.status_changed' : 'ticket.updated',
      target: { type: 'ticket', id },
      agentId: before.agent_id,
      before: { subject: before.subject, status: before.status },
      after: { subject: subject ?? before.subject, status: patch.status ?? before.status },
      origin: ctx.origin,
    });
    return getTicket(tx, workspaceId, id, viewer);
  });
}

/** Adds a comment to a visible ticket; a comment on a closed ticket by its filer reopens it. */
export async function addComment(
  db: Db,
  workspaceId: string,
  id: string,
  text: string,
  viewer: TicketViewer,
  ctx: WriteContext,
) {
  const body = text.trim();
  if (!body) throw validationFailed([{ path: '/body/body', message: 'must not be blank' }]);
  return db.transaction().execute(async (tx) => {
    const ticket = await findVisible(tx, workspaceId, id, viewer);
    const comment = await tx
      .insertInto('ticket_comments')
      .values({
        ticket_id: id,
        workspace_id: workspaceId,
        author_id: viewer.userId,
        author_name: ctx.actor.name ?? 'Member',
        body,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reopen = ticket.status === 'closed' && ticket.created_by === viewer.userId;
    await tx
      .updateTable('tickets')
      .set({ updated_at: new Date(), ...(reopen ? { status: 'open' as const } : {}) })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'ticket.commented',
      target: { type: 'ticket', id },
      agentId: ticket.agent_id,
      after: { commentId: comment.id, ...(reopen ? { status: 'open' } : {}) },
      origin: ctx.origin,
    });
    return getTicket(tx, workspaceId, id, viewer);
  });
}
