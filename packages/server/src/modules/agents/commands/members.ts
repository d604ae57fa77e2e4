import { hasCapability, type WorkspaceState } from '@atrium/policy';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { AgentRoleColumn, MatrixJson } from '../../../db/schema';
import { notFound, problem } from '../../../errors';
import { requireUuid } from '../../../ids';
import { enqueueEmail } from '../../../mail/outbox';
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
import { addedToWorkspaceTemplate } from '../../invitations/templates';
import { ensureWorkspaceMember } from '../../members/repo';
import {
  deleteAgentMember,
  findMemberId,
  findUserIdByEmail,
  insertAgentMember,
  joinMailNames,
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
 * Gives a user a role on an agent (agent.manage: its agent admins or a
 * workspace admin). `userId` names a workspace member; `email` names any
 * existing account, which becomes a workspace member (role `member`, agent
 * access `assigned`) as docs/rules.md §4 says: "anyone invited to … any of
 * its agents is a member" — and hears about it by email. To reach an address
 * without an account, send an invitation.
 */
export const addAgentMember = defineCommand({
  name: 'agents.members.add',
  actions: ['member.added', 'agent_member.added'],
  target: (input: { agentId: string; body: AddAgentMemberInput }) =>
    input.body.userId ? { type: 'member', id: input.body.userId } : { type: 'agent', id: input.agentId },
  async run(
    ctx,
    { agentId, body, publicUrl }: { agentId: string; body: AddAgentMemberInput; publicUrl: string },
  ) {
    const state = stateOf(ctx);
    const workspaceId = state.workspaceId;
    const grant = parseGrant(state, body);
    checkAgentGrant(ctx, agentId, grant);
    await lockAgent(ctx.tx, workspaceId, agentId);
    let userId: string | null;
    if (body.userId) {
      userId = await findMemberId(ctx.tx, workspaceId, requireUuid(body.userId, 'member'));
      if (!userId) throw notFound('member');
    } else {
      userId = await findUserIdByEmail(ctx.tx, (body.email ?? '').trim().toLowerCase());
      if (!userId) {
        throw problem('not_found', 'No account has this email: send an invitation instead', {
          errors: [{ path: '/body/email', message: 'no account with this email' }],
        });
      }
    }
    const joinedWorkspace = await ensureWorkspaceMember(ctx.tx, {
      workspaceId,
      userId,
      role: 'member',
      agentAccess: 'assigned',
      grant: null,
    });
    const inserted = await insertAgentMember(ctx.tx, {
      workspaceId,
      agentId,
      userId,
      role: body.role,
      grant,
    });
    if (!inserted) throw problem('conflict', 'This user already has a role on this agent; change it instead');
    if (joinedWorkspace) {
      await ctx.record({
        action: 'member.added',
        target: { type: 'member', id: userId },
        after: { role: 'member', agentAccess: 'assigned', via: 'agent', agentId },
      });
      // Someone who joins a workspace hears about it (as with an invitation to an existing account).
      const names = await joinMailNames(ctx.tx, workspaceId, agentId, userId);
      const mail = addedToWorkspaceTemplate({
        name: names.name,
        inviter: ctx.actor.name ?? 'Someone',
        workspace: names.workspace_name,
        agents: [names.agent_name],
        url: publicUrl,
      });
      await enqueueEmail(ctx.tx, {
        to: names.email,
        ...mail,
        idempotencyKey: `workspace_added:${workspaceId}:${userId}:${Date.now()}`,
      });
    }
    await ctx.record({
      action: 'agent_member.added',
      target: { type: 'member', id: userId },
      agentId,
      before: null,
      after: { role: body.role, ...grantActivity(state, null, grant).after },
    });
    return { userId, joinedWorkspace };
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
