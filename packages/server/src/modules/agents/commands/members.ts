import { hasCapability, type WorkspaceState } from '@atrium/policy';
import { normalizeEmail } from '../../../auth/email';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { AgentRoleColumn, MatrixJson } from '../../../db/schema';
import { notFound, problem, validationFailed } from '../../../errors';
import { requireUuid } from '../../../ids';
import {
  assertWithinOwnGrant,
  type GrantInput,
  grantActivity,
  grantDiff,
  grantMatrix,
  parseGrant,
  presentGrant,
  type StoredGrant,
} from '../../access/grants';
import type { InvitationSettings } from '../../invitations/commands/link';
import { type Sending, sendInvitation, targetKeyOf } from '../../invitations/commands/send';
import { assertInvitationBudget, requireVerifiedInviter } from '../../invitations/limits';
import { workspaceAndAgentNames } from '../../invitations/repo';
import {
  deleteAgentMember,
  findMemberId,
  insertAgentMember,
  lockAgent,
  lockAgentMember,
  updateAgentMemberRow,
} from '../repo';

/**
 * The users of an agent (docs/rules.md §2 `agent.manage`, §4 "Membership"):
 * give someone a role on an agent, change it, take it away. Run by the
 * command wrapper (command/command.ts), which holds the workspace lock,
 * records the entries and bumps the revision.
 */

function stateOf(ctx: CommandContext): WorkspaceState {
  if (!ctx.state) throw new Error('agent member commands run in a workspace scope');
  return ctx.state;
}

/**
 * "Nobody grants what they do not hold" for agent grants (docs/rules.md §4):
 * a workspace admin holds everything; an agent admin holds edit on every
 * item of their agent, as capped by the workspace's policies, and may grant
 * up to that on that agent (and the agent_admin role itself), nothing more.
 */
function checkAgentGrant(ctx: CommandContext, agentId: string, grant: StoredGrant | null): void {
  const state = stateOf(ctx);
  if (grant === null || !ctx.subject || hasCapability(state, ctx.subject, 'workspace.manage')) return;
  assertWithinOwnGrant(state, ctx.subject, agentId, grantMatrix(state, grant));
}

function refuseSelf(ctx: CommandContext, userId: string, message: string): void {
  if (ctx.userId === userId) throw problem('forbidden', message);
}

export interface AddAgentMemberInput extends GrantInput {
  userId?: string;
  email?: string;
  role: AgentRoleColumn;
}

/**
 * Gives a workspace member (`userId`) a role on an agent (agent.manage: its
 * agent admins or a workspace admin), at once.
 */
export const addAgentMember = defineCommand({
  name: 'agents.members.add',
  actions: ['agent_member.added'],
  target: (input: { body: AddAgentMemberInput }) => ({ type: 'member', id: input.body.userId ?? '' }),
  async run(ctx, { agentId, body }: { agentId: string; body: AddAgentMemberInput }) {
    const state = stateOf(ctx);
    const workspaceId = state.workspaceId;
    const grant = parseGrant(state, body);
    checkAgentGrant(ctx, agentId, grant);
    await lockAgent(ctx.tx, workspaceId, agentId);
    const userId = await findMemberId(ctx.tx, workspaceId, requireUuid(body.userId ?? '', 'member'));
    if (!userId) throw notFound('member');
    const inserted = await insertAgentMember(ctx.tx, {
      workspaceId,
      agentId,
      userId,
      role: body.role,
      grant,
    });
    if (!inserted) throw problem('conflict', 'This user already has a role on this agent; change it instead');
    await ctx.record({
      action: 'agent_member.added',
      target: { type: 'member', id: userId },
      agentId,
      before: null,
      after: { role: body.role, ...grantActivity(state, null, grant).after },
    });
    return { userId };
  },
});

/**
 * Gives an address (`email`) a role on an agent by invitation: a pending
 * invitation to this agent is created (or the pending one updated) and
 * emailed, whether or not the address has an account, and the answer is the
 * same either way (docs/security.md "Enumeration"). The invitee accepts from
 * the email or from their pending invitations, and so joins the workspace
 * as a member with agent access `assigned` (docs/rules.md §4 "anyone invited
 * to … any of its agents is a member"). The invitation limits apply.
 */
export const inviteAgentMember = defineCommand({
  name: 'agents.members.invite',
  actions: ['invitation.created', 'invitation.updated'],
  target: (input: { agentId: string }) => ({ type: 'agent', id: input.agentId }),
  async run(
    ctx,
    {
      agentId,
      body,
      settings,
    }: { agentId: string; body: AddAgentMemberInput & { email: string }; settings: InvitationSettings },
  ) {
    const state = stateOf(ctx);
    const workspaceId = state.workspaceId;
    const grant = parseGrant(state, body);
    checkAgentGrant(ctx, agentId, grant);
    await lockAgent(ctx.tx, workspaceId, agentId);
    const email = normalizeEmail(body.email);
    if (!email) throw validationFailed([{ path: '/body/email', message: 'not an email address' }]);
    await requireVerifiedInviter(ctx);
    await assertInvitationBudget(ctx, settings, 1);
    const agents = [
      { agentId, role: body.role, matrix: grant?.matrix ?? null, presetId: grant?.presetId ?? null },
    ];
    const sending: Sending = {
      workspaceId,
      settings,
      membership: { role: 'member', agentAccess: 'assigned', grant: null, agents },
      targetKey: targetKeyOf(agents),
      label: await workspaceAndAgentNames(ctx.tx, workspaceId, [agentId]),
      inviterName: ctx.actor.name ?? 'Someone',
    };
    return sendInvitation(ctx, sending, email);
  },
});

/** Changes a user's agent role and/or agent grant (agent.manage; never one's own). */
export const updateAgentMember = defineCommand({
  name: 'agents.members.update',
  actions: ['agent_member.role_changed', 'permissions.updated'],
  target: (input: { userId: string }) => ({ type: 'member', id: input.userId }),
  async run(
    ctx,
    {
      agentId,
      userId,
      patch,
    }: { agentId: string; userId: string; patch: GrantInput & { role?: AgentRoleColumn } },
  ) {
    const state = stateOf(ctx);
    const workspaceId = state.workspaceId;
    const grant = parseGrant(state, patch);
    const before = await lockAgentMember(ctx.tx, workspaceId, agentId, requireUuid(userId, 'agent member'));
    refuseSelf(ctx, userId, 'Nobody edits their own role or permissions');
    checkAgentGrant(ctx, agentId, grant);
    const target = { type: 'member', id: userId };
    if (patch.role !== undefined && patch.role !== before.role) {
      await updateAgentMemberRow(ctx.tx, workspaceId, agentId, userId, { role: patch.role });
      await ctx.record({
        action: 'agent_member.role_changed',
        target,
        agentId,
        before: { role: before.role },
        after: { role: patch.role },
      });
    }
    if (grant !== null) {
      const current: StoredGrant = { matrix: before.matrix as MatrixJson | null, presetId: before.preset_id };
      const changes = grantDiff(state, current, grant);
      if (changes.length > 0 || current.presetId !== grant.presetId) {
        await updateAgentMemberRow(ctx.tx, workspaceId, agentId, userId, { grant });
        await ctx.record({
          action: 'permissions.updated',
          target,
          agentId,
          ...grantActivity(state, current, grant),
        });
      }
    }
  },
});

/** Takes a user's role on an agent away (agent.manage; never one's own). They stay a workspace member. */
export const removeAgentMember = defineCommand({
  name: 'agents.members.remove',
  actions: ['agent_member.removed'],
  target: (input: { userId: string }) => ({ type: 'member', id: input.userId }),
  async run(ctx, { agentId, userId }: { agentId: string; userId: string }) {
    const workspaceId = stateOf(ctx).workspaceId;
    const before = await lockAgentMember(ctx.tx, workspaceId, agentId, requireUuid(userId, 'agent member'));
    refuseSelf(
      ctx,
      userId,
      'Nobody removes their own agent role; ask another agent admin or a workspace admin',
    );
    await deleteAgentMember(ctx.tx, workspaceId, agentId, userId);
    await ctx.record({
      action: 'agent_member.removed',
      target: { type: 'member', id: userId },
      agentId,
      before: { role: before.role, ...presentGrant(before) },
    });
    return { removed: true as const };
  },
});
