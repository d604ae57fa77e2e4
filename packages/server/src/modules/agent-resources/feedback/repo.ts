import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../db/schema';

/** Every statement on `feedback`; each names the workspace and the agent. */

export interface FeedbackFilter {
  resolved?: boolean;
  rating?: 'up' | 'down';
  limit?: number;
}

/** Feedback on one agent's answers, newest first, optionally filtered. */
export function findFeedback(db: Kysely<DB>, workspaceId: string, agentId: string, filter: FeedbackFilter) {
  let q = db
    .selectFrom('feedback')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId);
  if (filter.resolved !== undefined) q = q.where('resolved', '=', filter.resolved);
  if (filter.rating) q = q.where('rating', '=', filter.rating);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
}

export type FeedbackRow = Awaited<ReturnType<typeof findFeedback>>[number];

export function insertFeedback(
  tx: Transaction<DB>,
  values: {
    workspaceId: string;
    agentId: string;
    conversationId: string | null;
    messageRef: string | null;
    rating: 'up' | 'down';
    comment: string;
  },
): Promise<FeedbackRow> {
  return tx
    .insertInto('feedback')
    .values({
      workspace_id: values.workspaceId,
      agent_id: values.agentId,
      conversation_id: values.conversationId,
      message_ref: values.messageRef,
      rating: values.rating,
      comment: values.comment,
      resolved_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One feedback entry of the agent, locked until the transaction ends. */
export function lockFeedback(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<FeedbackRow | undefined> {
  return tx
    .selectFrom('feedback')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
}

export function updateFeedbackRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  values: { resolved: boolean; resolutionNote: string; resolvedBy: string | null; resolvedAt: Date | null },
): Promise<FeedbackRow> {
  return tx
    .updateTable('feedback')
    .set({
      resolved: values.resolved,
      resolution_note: values.resolutionNote,
      resolved_by: values.resolvedBy,
      resolved_at: values.resolvedAt,
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
