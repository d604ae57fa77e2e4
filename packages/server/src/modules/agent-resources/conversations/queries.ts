import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { notFound } from '../../../errors';
import { isoOf, isoOrNull } from '../../../http/present';
import { requireUuid } from '../../../ids';
import { maskPii } from '../pii';
import { getSettings } from '../settings/queries';
import { type ConversationRow, findConversation, findConversations } from './repo';

/** What the caller may see of transcripts, from the engine (see scope.ts). */
export interface Disclosure {
  /** Read on `analytics.conversation_pii`: emails and phone numbers shown. */
  pii: boolean;
  /** Read on `analytics.call_download`: the recording's download URL shown. */
  recordings: boolean;
}

function presentConversation(r: ConversationRow, d: Disclosure) {
  const mask = (s: string) => (d.pii ? s : maskPii(s));
  const messages = (r.messages ?? []).map((m) => ({ ...m, text: mask(m.text) }));
  const first = messages.find((m) => m.role === 'user') ?? messages[0];
  return {
    id: r.id,
    agentId: r.agent_id,
    externalId: r.external_id,
    channel: r.channel,
    endUser: r.end_user === null ? null : mask(r.end_user),
    startedAt: isoOf(r.started_at),
    endedAt: isoOrNull(r.ended_at),
    messageCount: messages.length,
    preview: (first?.text ?? '').slice(0, 200),
    hasRecording: r.recording_url !== null,
    masked: !d.pii,
    messages,
    recordingUrl: d.recordings ? r.recording_url : null,
  };
}

/** The oldest start time still kept under the agent's retention setting. */
async function retentionCutoff(db: Kysely<DB>, workspaceId: string, agentId: string): Promise<Date> {
  const s = await getSettings(db, workspaceId, agentId);
  return new Date(Date.now() - s.retentionDays * 86_400_000);
}

/**
 * Transcripts of one agent, newest first, within the retention window,
 * masked according to `disclosure`.
 */
export async function listConversations(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  query: { before?: string; limit?: number },
  disclosure: Disclosure,
) {
  const since = await retentionCutoff(db, workspaceId, agentId);
  const rows = await findConversations(db, workspaceId, agentId, {
    since,
    before: query.before ? new Date(query.before) : undefined,
    limit: query.limit ?? 50,
  });
  return rows.map((r) => {
    const { messages: _m, recordingUrl: _r, ...summary } = presentConversation(r, disclosure);
    return summary;
  });
}

/** One transcript of this agent (404 for any other id, or once past retention). */
export async function getConversation(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
  disclosure: Disclosure,
) {
  requireUuid(id, 'conversation');
  const since = await retentionCutoff(db, workspaceId, agentId);
  const row = await findConversation(db, workspaceId, agentId, id, since);
  if (!row) throw notFound('conversation');
  return presentConversation(row, disclosure);
}
