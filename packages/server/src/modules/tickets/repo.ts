import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';

/**
 * Every SQL statement of the help center (docs/architecture.md,
 * "Repositories"). Each UPDATE names `workspace_id`.
 */

type Db = Kysely<DB> | Transaction<DB>;
type Tx = Transaction<DB>;

export type TicketStatus = 'open' | 'pending' | 'closed';

/** Tickets of a workspace with their filer's name and comment count. */
export function ticketQuery(db: Db, workspaceId: string) {
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

export type TicketRow = Awaited<ReturnType<ReturnType<typeof ticketQuery>['executeTakeFirstOrThrow']>>;

/** Tickets, newest first; only `createdBy`'s when given. */
export function findTickets(
  db: Db,
  workspaceId: string,
  filter: { createdBy?: string; status?: TicketStatus; limit: number },
) {
  let q = ticketQuery(db, workspaceId);
  if (filter.createdBy !== undefined) q = q.where('tickets.created_by', '=', filter.createdBy);
  if (filter.status) q = q.where('tickets.status', '=', filter.status);
  return q.orderBy('tickets.created_at', 'desc').orderBy('tickets.id', 'desc').limit(filter.limit).execute();
}

/** One ticket; only if `createdBy` filed it, when given. */
export function findTicket(db: Db, workspaceId: string, id: string, createdBy?: string) {
  let q = ticketQuery(db, workspaceId).where('tickets.id', '=', id);
  if (createdBy !== undefined) q = q.where('tickets.created_by', '=', createdBy);
  return q.executeTakeFirst();
}

/** A ticket's comments, oldest first. */
export function findComments(db: Db, workspaceId: string, ticketId: string) {
  return db
    .selectFrom('ticket_comments')
    .select(['id', 'author_id', 'author_name', 'body', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Files a ticket; returns its id. */
export async function insertTicket(
  tx: Tx,
  values: { workspaceId: string; subject: string; body: string; agentId: string | null; createdBy: string },
): Promise<string> {
  const row = await tx
    .insertInto('tickets')
    .values({
      workspace_id: values.workspaceId,
      subject: values.subject,
      body: values.body,
      agent_id: values.agentId,
      created_by: values.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a ticket's subject and/or status, and marks it updated. */
export async function updateTicketRow(
  tx: Tx,
  workspaceId: string,
  id: string,
  change: { subject?: string; status?: TicketStatus },
): Promise<void> {
  await tx
    .updateTable('tickets')
    .set({
      ...(change.subject !== undefined ? { subject: change.subject } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** Adds a comment; returns its id. */
export async function insertComment(
  tx: Tx,
  values: { workspaceId: string; ticketId: string; authorId: string; authorName: string; body: string },
): Promise<string> {
  const row = await tx
    .insertInto('ticket_comments')
    .values({
      ticket_id: values.ticketId,
      workspace_id: values.workspaceId,
      author_id: values.authorId,
      author_name: values.authorName,
      body: values.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
