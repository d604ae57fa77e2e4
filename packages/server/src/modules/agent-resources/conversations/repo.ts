import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../db/schema';

/** Every statement on `conversations`; each names the workspace and the agent. */

/** Transcripts of one agent started at or after `since` (and before `before`), newest first. */
export function findConversations(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  query: { since: Date; before?: Date; limit: number },
) {
  let q = db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('started_at', '>=', query.since);
  if (query.before) q = q.where('started_at', '<', query.before);
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

export type ConversationRow = Awaited<ReturnType<typeof findConversations>>[number];

/** One transcript of the agent started at or after `since`. */
export function findConversation(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
  since: Date,
): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('started_at', '>=', since)
    .executeTakeFirst();
}

/** Whether `id` is a conversation of this agent (any age). */
export function findConversationId(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('conversations')
    .select('id')
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
}

/** The stored columns of a transcript besides its identity. */
export interface ConversationValues {
  channel: 'chat' | 'voice' | 'sms' | 'api';
  end_user: string | null;
  /** JSON text of the messages. */
  messages: string;
  recording_url: string | null;
  started_at: Date;
  ended_at: Date | null;
}

/** The transcript of the agent with this external id, locked until the transaction ends. */
export function lockConversationByExternalId(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  externalId: string,
): Promise<{ id: string } | undefined> {
  return tx
    .selectFrom('conversations')
    .select('id')
    .where('agent_id', '=', agentId)
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .forUpdate()
    .executeTakeFirst();
}

/** Replaces a stored transcript. */
export async function updateConversationRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  values: ConversationValues,
): Promise<void> {
  await tx
    .updateTable('conversations')
    .set(values)
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** Stores a new transcript (replacing one that raced in with the same external id); its id. */
export async function insertConversation(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  externalId: string,
  values: ConversationValues,
): Promise<string> {
  const row = await tx
    .insertInto('conversations')
    .values({ workspace_id: workspaceId, agent_id: agentId, external_id: externalId, ...values })
    .onConflict((oc) => oc.columns(['agent_id', 'external_id']).doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
