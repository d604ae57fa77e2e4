import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { isoOf, isoOrNull } from '../../../http/present';
import { type FeedbackFilter, type FeedbackRow, findFeedback } from './repo';

/** A feedback entry as the API shows it. */
export function presentFeedback(r: FeedbackRow) {
  return {
    id: r.id,
    agentId: r.agent_id,
    conversationId: r.conversation_id,
    messageRef: r.message_ref,
    rating: r.rating,
    comment: r.comment,
    resolved: r.resolved,
    resolutionNote: r.resolution_note,
    resolvedAt: isoOrNull(r.resolved_at),
    createdAt: isoOf(r.created_at),
  };
}

/** Feedback on one agent's answers, newest first, optionally filtered. */
export async function listFeedback(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  filter: FeedbackFilter,
) {
  return (await findFeedback(db, workspaceId, agentId, filter)).map(presentFeedback);
}
