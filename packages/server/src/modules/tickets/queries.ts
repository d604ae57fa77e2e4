import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';
import { isoOf } from '../../http/present';
import { requireUuid } from '../../ids';
import { findComments, findTicket, findTickets, type TicketRow, type TicketStatus } from './repo';

/**
 * Help-center reads (docs/rules.md §4): workspace admins see every ticket of
 * the workspace, everyone else only their own. Who counts as "sees all" is
 * the engine's `tickets.read_all` capability, computed by the route and
 * passed in as {@link TicketViewer}: here it is only a data filter. A ticket
 * the viewer may not see answers 404, exactly like one that does not exist.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** Whose tickets a caller sees. */
export interface TicketViewer {
  userId: string;
  /** The `tickets.read_all` capability (workspace admins). */
  all: boolean;
}

function presentSummary(r: TicketRow) {
  return {
    id: r.id,
    subject: r.subject,
    status: r.status,
    agentId: r.agent_id,
    createdBy: { id: r.created_by, name: r.creator_name || r.creator_email || 'Former member' },
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
    commentCount: Number(r.comment_count ?? 0),
  };
}

/** The viewer's tickets (or all of the workspace's for admins), newest first. */
export async function listTickets(
  db: Db,
  workspaceId: string,
  viewer: TicketViewer,
  filter: { status?: TicketStatus; mine?: boolean; limit?: number },
) {
  const rows = await findTickets(db, workspaceId, {
    // The data filter of docs/rules.md §4: without tickets.read_all, only the caller's own tickets exist.
    ...(!viewer.all || filter.mine ? { createdBy: viewer.userId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    limit: filter.limit ?? 50,
  });
  return rows.map(presentSummary);
}

/** A ticket the viewer may see, or 404. */
export async function findVisible(db: Db, workspaceId: string, id: string, viewer: TicketViewer) {
  requireUuid(id, 'ticket');
  const row = await findTicket(db, workspaceId, id, viewer.all ? undefined : viewer.userId);
  if (!row) throw notFound('ticket');
  return row;
}

/** One ticket with its comments (404 when the viewer may not see it). */
export async function getTicket(db: Db, workspaceId: string, id: string, viewer: TicketViewer) {
  const row = await findVisible(db, workspaceId, id, viewer);
  const comments = await findComments(db, workspaceId, id);
  return {
    ...presentSummary(row),
    body: row.body,
    comments: comments.map((c) => ({
      id: c.id,
      author: { id: c.author_id, name: c.author_name },
      body: c.body,
      createdAt: isoOf(c.created_at),
    })),
  };
}
