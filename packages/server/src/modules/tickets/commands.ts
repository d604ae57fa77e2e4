import { type CommandContext, defineCommand } from '../../command/command';
import { problem, validationFailed } from '../../errors';
import { findVisible, getTicket, type TicketViewer } from './queries';
import { insertComment, insertTicket, type TicketStatus, updateTicketRow } from './repo';

/**
 * Help-center changes (docs/rules.md §4 "Help center"): file a ticket,
 * change it, comment on it. Run by the command wrapper (command/command.ts),
 * which opens the transaction and records the entries.
 */

function workspaceOf(ctx: CommandContext): string {
  if (!ctx.workspaceId) throw new Error('ticket commands run in a workspace scope');
  return ctx.workspaceId;
}

export interface CreateTicketInput {
  subject: string;
  body: string;
  agentId?: string;
}

/**
 * Files a ticket. `agentVisible` tells whether the named agent is one the
 * filer has access to (from the engine); otherwise the field is rejected
 * without revealing whether the agent exists.
 */
export const createTicket = defineCommand({
  name: 'tickets.create',
  actions: ['ticket.created'],
  async run(
    ctx,
    {
      ticket: input,
      agentVisible,
    }: { ticket: CreateTicketInput; agentVisible: (agentId: string) => boolean },
  ) {
    const workspaceId = workspaceOf(ctx);
    const userId = ctx.userId;
    if (!userId) throw problem('forbidden', 'This action needs a signed-in user, not an API key');
    const subject = input.subject.trim();
    const body = input.body.trim();
    const issues = [];
    if (!subject) issues.push({ path: '/body/subject', message: 'must not be blank' });
    if (!body) issues.push({ path: '/body/body', message: 'must not be blank' });
    if (input.agentId !== undefined && !agentVisible(input.agentId)) {
      issues.push({ path: '/body/agentId', message: 'no such agent' });
    }
    if (issues.length) throw validationFailed(issues);
    const id = await insertTicket(ctx.tx, {
      workspaceId,
      subject,
      body,
      agentId: input.agentId ?? null,
      createdBy: userId,
    });
    await ctx.record({
      action: 'ticket.created',
      target: { type: 'ticket', id },
      agentId: input.agentId ?? null,
      after: { subject },
    });
    return getTicket(ctx.tx, workspaceId, id, { userId, all: true });
  },
});

/** Changes a visible ticket's subject or status. */
export const updateTicket = defineCommand({
  name: 'tickets.update',
  actions: ['ticket.updated', 'ticket.status_changed'],
  async run(
    ctx,
    {
      id,
      patch,
      viewer,
    }: { id: string; patch: { subject?: string; status?: TicketStatus }; viewer: TicketViewer },
  ) {
    const workspaceId = workspaceOf(ctx);
    const subject = patch.subject?.trim();
    if (patch.subject !== undefined && !subject) {
      throw validationFailed([{ path: '/body/subject', message: 'must not be blank' }]);
    }
    const before = await findVisible(ctx.tx, workspaceId, id, viewer);
    await updateTicketRow(ctx.tx, workspaceId, id, {
      ...(subject ? { subject } : {}),
      ...(patch.status ? { status: patch.status } : {}),
    });
    await ctx.record({
      action: patch.status && patch.status !== before.status ? 'ticket.status_changed' : 'ticket.updated',
      target: { type: 'ticket', id },
      agentId: before.agent_id,
      before: { subject: before.subject, status: before.status },
      after: { subject: subject ?? before.subject, status: patch.status ?? before.status },
    });
    return getTicket(ctx.tx, workspaceId, id, viewer);
  },
});

/** Adds a comment to a visible ticket; a comment on a closed ticket by its filer reopens it. */
export const addComment = defineCommand({
  name: 'tickets.comment',
  actions: ['ticket.commented'],
  async run(ctx, { id, text, viewer }: { id: string; text: string; viewer: TicketViewer }) {
    const workspaceId = workspaceOf(ctx);
    const body = text.trim();
    if (!body) throw validationFailed([{ path: '/body/body', message: 'must not be blank' }]);
    const ticket = await findVisible(ctx.tx, workspaceId, id, viewer);
    const commentId = await insertComment(ctx.tx, {
      workspaceId,
      ticketId: id,
      authorId: viewer.userId,
      authorName: ctx.actor.name ?? 'Member',
      body,
    });
    const reopen = ticket.status === 'closed' && ticket.created_by === viewer.userId;
    await updateTicketRow(ctx.tx, workspaceId, id, reopen ? { status: 'open' } : {});
    await ctx.record({
      action: 'ticket.commented',
      target: { type: 'ticket', id },
      agentId: ticket.agent_id,
      after: { commentId, ...(reopen ? { status: 'open' } : {}) },
    });
    return getTicket(ctx.tx, workspaceId, id, viewer);
  },
});
