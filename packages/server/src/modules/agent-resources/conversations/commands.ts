import { defineCommand } from '../../../command/command';
import type { TranscriptMessageJson } from '../../../db/schema';
import { validationFailed } from '../../../errors';
import { maskPii } from '../pii';
import { workspaceOf } from '../scope';
import { getSettings } from '../settings/queries';
import { httpsUrlIssue } from '../urls';
import { insertConversation, lockConversationByExternalId, updateConversationRow } from './repo';

/** Input of {@link ingestConversation}. */
export interface ConversationInput {
  externalId: string;
  channel?: 'chat' | 'voice' | 'sms' | 'api';
  endUser?: string;
  startedAt: string;
  endedAt?: string;
  messages: TranscriptMessageJson[];
  recordingUrl?: string;
}

/**
 * Stores a transcript sent by the agent platform (idempotent on
 * `externalId`: sending it again replaces it). When the agent's privacy
 * settings ask for PII redaction, emails and phone numbers are masked
 * before anything is stored, so nobody can unmask them later.
 */
export const ingestConversation = defineCommand({
  name: 'conversations.ingest',
  actions: ['conversation.ingested', 'conversation.updated'],
  async run(
    ctx,
    { agentId, conversation: input }: { agentId: string; conversation: ConversationInput },
  ): Promise<{ id: string; created: boolean }> {
    const workspaceId = workspaceOf(ctx);
    if (input.recordingUrl) {
      const issue = httpsUrlIssue(input.recordingUrl, '/body/recordingUrl');
      if (issue) throw validationFailed([issue]);
    }
    if (input.endedAt && new Date(input.endedAt) < new Date(input.startedAt)) {
      throw validationFailed([{ path: '/body/endedAt', message: 'must not be before startedAt' }]);
    }
    const settings = await getSettings(ctx.tx, workspaceId, agentId);
    const clean = (s: string) => (settings.piiRedaction ? maskPii(s) : s);
    const messages = input.messages.map((m) => ({ ...m, text: clean(m.text) }));
    const values = {
      channel: input.channel ?? ('chat' as const),
      end_user: input.endUser === undefined ? null : clean(input.endUser),
      messages: JSON.stringify(messages),
      recording_url: input.recordingUrl ?? null,
      started_at: new Date(input.startedAt),
      ended_at: input.endedAt ? new Date(input.endedAt) : null,
    };
    const existing = await lockConversationByExternalId(ctx.tx, workspaceId, agentId, input.externalId);
    let id: string;
    if (existing) {
      await updateConversationRow(ctx.tx, workspaceId, existing.id, values);
      id = existing.id;
    } else {
      id = await insertConversation(ctx.tx, workspaceId, agentId, input.externalId, values);
    }
    // The log says that a transcript arrived, never what it says (it may hold personal data).
    await ctx.record({
      action: existing ? 'conversation.updated' : 'conversation.ingested',
      target: { type: 'conversation', id },
      agentId,
      after: { externalId: input.externalId, messageCount: messages.length },
    });
    return { id, created: !existing };
  },
});
