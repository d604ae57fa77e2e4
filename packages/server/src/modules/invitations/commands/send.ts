import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import { normalizeEmail } from '../../../auth/email';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { AgentRoleColumn, InvitationAgentJson, WorkspaceRoleColumn } from '../../../db/schema';
import { notFound, problem, validationFailed } from '../../../errors';
import { enqueueEmail } from '../../../mail/outbox';
import { assertWithinOwnGrant, type GrantInput, grantMatrix, parseGrant } from '../../access/grants';
import { assertInvitationBudget, requireVerifiedInviter } from '../limits';
import { applyMembership, findUserByEmail, type InvitedMembership } from '../membership-repo';
import {
  insertInvitation,
  lockPendingInvitation,
  updatePendingInvitation,
  workspaceAndAgentNames,
} from '../repo';
import { addedToWorkspaceTemplate, invitationTemplate } from '../templates';
import { type InvitationSettings, newInvitationLink } from './link';

export interface InviteInput extends GrantInput {
  emails: string[];
  role?: WorkspaceRoleColumn;
  agentAccess?: 'all' | 'assigned';
  agents?: (GrantInput & { agentId: string; role: AgentRoleColumn })[];
}

/** The outcome for one address of a (bulk) invitation. */
export interface InviteResult {
  email: string;
  /**
   * `added`: an existing account joined at once (and was emailed);
   * `invited`: a new invitation link was emailed; `updated`: the pending
   * invitation to the same target was updated and re-sent;
   * `already_member`: nothing to do; `invalid`: not an email address;
   * `duplicate`: the address appeared earlier in the same request.
   */
  status: 'added' | 'invited' | 'updated' | 'already_member' | 'invalid' | 'duplicate';
  userId?: string;
  invitationId?: string;
  error?: string;
}

/**
 * Who may send this invitation (docs/rules.md §2, §4): inviting to the
 * workspace itself, with a workspace role, agent access or workspace grant,
 * needs `workspace.manage`; inviting to agents needs `agent.manage` on each
 * of them (an agent admin invites to their own agents only, and grants at
 * most what they hold there); an agent user cannot invite. Every answer
 * comes from the engine's `hasCapability`; the route declares
 * `workspace.read` because what is needed depends on the body.
 */
function authorizeInvite(
  state: WorkspaceState,
  actor: Subject,
  input: InviteInput,
  agents: InvitationAgentJson[],
) {
  const manage = hasCapability(state, actor, 'workspace.manage');
  for (const a of agents) {
    if (!state.agents.has(a.agentId) || !hasCapability(state, actor, 'agent.read', a.agentId)) {
      throw notFound('agent');
    }
  }
  if (manage) return;
  if (agents.length === 0) {
    throw problem('forbidden', 'Inviting to the workspace needs the workspace.manage capability', {
      required: { capability: 'workspace.manage' },
    });
  }
  const workspaceWide =
    (input.role !== undefined && input.role !== 'member') ||
    input.agentAccess === 'all' ||
    input.matrix != null ||
    input.presetId != null;
  if (workspaceWide) {
    throw problem(
      'forbidden',
      'Only workspace admins set a workspace role, agent access or workspace permissions',
      { required: { capability: 'workspace.manage' } },
    );
  }
  for (const a of agents) {
    if (!hasCapability(state, actor, 'agent.manage', a.agentId)) {
      throw problem('forbidden', 'Inviting to an agent needs the agent.manage capability on it', {
        required: { capability: 'agent.manage' },
        agentId: a.agentId,
      });
    }
    assertWithinOwnGrant(
      state,
      actor,
      a.agentId,
      grantMatrix(state, { matrix: a.matrix, presetId: a.presetId }),
    );
  }
}

/** One pending invitation per address and target: the workspace, or this set of agents. */
function targetKeyOf(agents: InvitationAgentJson[]): string {
  if (agents.length === 0) return 'workspace';
  return `agents:${agents
    .map((a) => a.agentId)
    .sort()
    .join(',')}`;
}

interface Sending {
  workspaceId: string;
  settings: InvitationSettings;
  membership: InvitedMembership;
  targetKey: string;
  label: { workspace: string; agents: string[] };
  inviterName: string;
}

/** An address with an account: joins at once and is told so. */
async function addExisting(
  ctx: CommandContext,
  s: Sending,
  email: string,
  user: { id: string; name: string },
): Promise<InviteResult> {
  const { joined, agentRoles } = await applyMembership(ctx.tx, s.workspaceId, user.id, s.membership);
  if (!joined && agentRoles === 0) return { email, status: 'already_member', userId: user.id };
  const m = s.membership;
  await ctx.record({
    action: joined ? 'member.added' : 'agent_member.added',
    target: { type: 'member', id: user.id },
    after: {
      email,
      role: m.role,
      agentAccess: m.agentAccess,
      presetId: m.grant?.presetId ?? null,
      agents: m.agents,
      via: 'invitation',
    },
  });
  const mail = addedToWorkspaceTemplate({
    name: user.name,
    inviter: s.inviterName,
    workspace: s.label.workspace,
    agents: s.label.agents,
    url: s.settings.publicUrl,
  });
  await enqueueEmail(ctx.tx, {
    to: email,
    ...mail,
    idempotencyKey: `workspace_added:${s.workspaceId}:${user.id}:${Date.now()}`,
  });
  return { email, status: 'added', userId: user.id };
}

/** An address without an account: a new link, in a new or the updated pending invitation. */
async function sendLink(ctx: CommandContext, s: Sending, email: string): Promise<InviteResult> {
  const link = newInvitationLink(s.settings);
  const m = s.membership;
  const values = {
    ...m,
    tokenHash: link.tokenHash,
    invitedBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
    expiresAt: link.expiresAt,
  };
  const pending = await lockPendingInvitation(ctx.tx, s.workspaceId, email, s.targetKey);
  const row = pending
    ? await updatePendingInvitation(ctx.tx, s.workspaceId, pending.id, values)
    : await insertInvitation(ctx.tx, s.workspaceId, email, s.targetKey, values);
  await ctx.record({
    action: pending ? 'invitation.updated' : 'invitation.created',
    target: { type: 'invitation', id: row.id },
    after: {
      email,
      role: m.role,
      agentAccess: m.agentAccess,
      presetId: m.grant?.presetId ?? null,
      agents: m.agents,
      expiresAt: link.expiresAt,
    },
  });
  const mail = invitationTemplate({
    inviter: s.inviterName,
    workspace: s.label.workspace,
    agents: s.label.agents,
    url: link.url,
    expiresInDays: s.settings.invitationTtlDays,
  });
  await enqueueEmail(ctx.tx, {
    to: email,
    ...mail,
    idempotencyKey: `invitation:${row.id}:${row.sent_count}`,
  });
  return { email, status: pending ? 'updated' : 'invited', invitationId: row.id };
}

/**
 * Invites up to 100 addresses to the workspace or to chosen agents, with a
 * role and a matrix or preset (docs/rules.md §4 "Invitations"). An address
 * with an account is added at once and notified; any other gets a
 * single-use link (token stored hashed, INVITATION_TTL_DAYS) through the
 * outbox, in this command's transaction. Inviting the same address to the
 * same target again updates the pending invitation (new link) instead of
 * adding a second one. All or nothing, under the workspace lock (one
 * pending invitation per address and target).
 */
export const invite = defineCommand({
  name: 'invitations.invite',
  actions: ['member.added', 'agent_member.added', 'invitation.created', 'invitation.updated'],
  async run(ctx, { body, settings }: { body: InviteInput; settings: InvitationSettings }) {
    const state = ctx.state;
    if (!state || !ctx.subject) throw new Error('invitations.invite runs in a workspace scope');
    const grant = parseGrant(state, body);
    const agents: InvitationAgentJson[] = (body.agents ?? []).map((a, i) => {
      const g = parseGrant(state, a, `/body/agents/${i}`);
      return { agentId: a.agentId, role: a.role, matrix: g?.matrix ?? null, presetId: g?.presetId ?? null };
    });
    if (new Set(agents.map((a) => a.agentId)).size !== agents.length) {
      throw validationFailed([{ path: '/body/agents', message: 'lists an agent twice' }]);
    }
    authorizeInvite(state, ctx.subject, body, agents);
    const role = body.role ?? 'member';
    const sending: Sending = {
      workspaceId: state.workspaceId,
      settings,
      membership: {
        role,
        agentAccess: role === 'admin' ? 'all' : (body.agentAccess ?? 'assigned'),
        grant,
        agents,
      },
      targetKey: targetKeyOf(agents),
      label: await workspaceAndAgentNames(
        ctx.tx,
        state.workspaceId,
        agents.map((a) => a.agentId),
      ),
      inviterName: ctx.actor.name ?? 'Someone',
    };

    await requireVerifiedInviter(ctx);
    const sendable = new Set(body.emails.map((e) => normalizeEmail(e)).filter((e) => e !== null));
    await assertInvitationBudget(ctx, settings, sendable.size);
    const results: InviteResult[] = [];
    const seen = new Set<string>();
    for (const raw of body.emails) {
      const email = normalizeEmail(raw);
      if (!email) {
        results.push({ email: raw, status: 'invalid', error: 'not an email address' });
        continue;
      }
      if (seen.has(email)) {
        results.push({ email, status: 'duplicate', error: 'listed more than once in this request' });
        continue;
      }
      seen.add(email);
      const user = await findUserByEmail(ctx.tx, email);
      results.push(user ? await addExisting(ctx, sending, email, user) : await sendLink(ctx, sending, email));
    }
    return { results };
  },
});
