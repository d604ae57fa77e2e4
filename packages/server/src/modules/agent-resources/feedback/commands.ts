import { defineCommand } from '../../../command/command';
import { notFound, validationFailed } from '../../../errors';
import { isUuid, requireUuid } from '../../../ids';
import { findConversationId } from '../conversations/repo';
import { workspaceOf } from '../scope';
import { type FeedbackRow, insertFeedback, lockFeedback, updateFeedbackRow } from './repo';

/** Feedback on an agent's answers (docs/rules.md §2 `analytics.feedback`): record, resolve. */

/** Input of {@link createFeedback}. */
export interface FeedbackInput {
  rating: 'up' | 'down';
  comment?: string;
  conversationId?: string;
  messageRef?: string;
}

/**
 * Records end-user feedback on an answer (usually posted by the agent
 * platform with an API key). A conversation reference must be a
 * conversation of this agent.
 */
export const createFeedback = defineCommand({
  name: 'feedback.create',
  actions: ['feedback.created'],
  async run(ctx, { agentId, feedback }: { agentId: string; feedback: FeedbackInput }): Promise<FeedbackRow> {
    const workspaceId = workspaceOf(ctx);
    if (feedback.conversationId !== undefined) {
      const found = isUuid(feedback.conversationId)
        ? await findConversationId(ctx.tx, workspaceId, agentId, feedback.conversationId)
        : undefined;
      if (!found) {
        throw validationFailed([
          { path: '/body/conversationId', message: 'no such conversation of this agent' },
        ]);
      }
    }
    const row = await insertFeedback(ctx.tx, {
      workspaceId,
      agentId,
      conversationId: feedback.conversationId ?? null,
      messageRef: feedback.messageRef ?? null,
      rating: feedback.rating,
      comment: feedback.comment ?? '',
    });
    await ctx.record({
      action: 'feedback.created',
      target: { type: 'feedback', id: row.id },
      agentId,
      after: { rating: row.rating, conversationId: row.conversation_id },
    });
    return row;
  },
});

export interface UpdateFeedbackInput {
  agentId: string;
  id: string;
  patch: { resolved?: boolean; resolutionNote?: string };
}

/** Resolves or reopens feedback, with an optional note (`analytics.feedback` edit). */
export const updateFeedback = defineCommand({
  name: 'feedback.update',
  actions: ['feedback.resolved', 'feedback.updated'],
  target: (input: UpdateFeedbackInput) => ({ type: 'feedback', id: input.id }),
  async run(ctx, { agentId, id, patch }: UpdateFeedbackInput): Promise<FeedbackRow> {
    const workspaceId = workspaceOf(ctx);
    requireUuid(id, 'feedback');
    const before = await lockFeedback(ctx.tx, workspaceId, agentId, id);
    if (!before) throw notFound('feedback');
    const resolved = patch.resolved ?? before.resolved;
    const becameResolved = resolved && !before.resolved;
    const row = await updateFeedbackRow(ctx.tx, workspaceId, id, {
      resolved,
      resolutionNote: patch.resolutionNote ?? before.resolution_note,
      resolvedBy: resolved ? (becameResolved ? ctx.userId : before.resolved_by) : null,
      resolvedAt: resolved ? (becameResolved ? new Date() : before.resolved_at) : null,
    });
    await ctx.record({
      action: becameResolved ? 'feedback.resolved' : 'feedback.updated',
      target: { type: 'feedback', id },
      agentId,
      before: { resolved: before.resolved, resolutionNote: before.resolution_note },
      after: { resolved: row.resolved, resolutionNote: row.resolution_note },
    });
    return row;
  },
});
