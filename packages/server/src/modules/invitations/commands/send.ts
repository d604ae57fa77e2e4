import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import { normalizeEmail } from '../../../auth/email';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { AgentRoleColumn, InvitationAgentJson, WorkspaceRoleColumn } from '../../../db/schema';
import { notFound, problem, validationFailed } from '../../../errors';
import { enqueueEmail } from '../../../mail/outbox';
import { assertWithinOwnGrant, type GrantInput, grantMatrix, parseGrant } from '../../access/grants';
import { assertInvitationBudget, requireVerifiedInviter } from '../limits';
import { findMemberByEmail, type InvitedMembership } from '../membership-repo';
import {
  insertInvitation,
  lockPendingInvitation,
  updatePendingInvitation,
  workspaceAndAgentNames,
} from '../repo';
import { invitationTemplate } from '../templates';
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
   * `invited`: a new invitation link was emailed (whether or not the address
   * has an account: docs/security.md "Enumeration"); `updated`: the pending
   * invitation to the same target was updated and re-sent;
   * `already_member`: a workspace member who holds all of it; `invalid`: not an email address;
   * `duplicate`: the address appeared earlier in the same request.
   */
  status: 'invited' | 'updated' | 'already_member' | 'invalid' | 'duplicate';
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
export function targetKeyOf(agents: InvitationAgentJson[]): string {
  if (agents.length === 0) return 'workspace';
  return `agents:${agents
    .map((a) => a.agentId)
    .sort()
    .join(',')}`;
}

export interface Sending {
  workspaceId: string;
  settings: InvitationSettings;
  membership: InvitedMembership;
  targetKey: string;
  label: { workspace: string; agents: string[] };
  inviterName: string;
}

/**
 * A workspace member who already holds everything the invitation gives
 * (docs/rules.md §4): nothing to send. Membership is visible to every member
 * of the workspace, so this tells the inviter nothing new; whether an address
 * outside the workspace has an account is never answered (docs/security.md
 * "Enumeration").
 */
async function holdsAlready(ctx: CommandContext, s: Sending, email: string): Promise<boolean> {
  const member = await findMemberByEmail(ctx.tx, s.workspaceId, email);
  if (!member) return false;
  const held = new Set(member.agentIds);
  return s.membership.agents.every((a) => held.has(a.agentId));
}

/**
 * A new link, in a new or the updated pending invitation, to any address:
 * with an account or without, the invitee accepts from the email or from
 * their pending invitations (docs/rules.md §4; docs/security.md "Enumeration").
 */
export async function sendInvitation(
  ctx: CommandContext,
  s: Sending,
  email: string,
): Promise<{ email: string; status: 'invited' | 'updated'; invitationId: string }> {
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
 * role and a matrix or preset (docs/rules.md §4 "Invitations"). Every
 * address, with an account or not, gets a
 * single-use link (token stored hashed, INVITATION_TTL_DAYS) through the
 * outbox, in this command's transaction. Inviting the same address to the
 * same target again updates the pending invitation (new link) instead of
 * adding a second one. All or nothing, under the workspace lock (one
 * pending invitation per address and target).
 */
export const invite = defineCommand({
  name: 'invitations.invite',
  actions: ['invitation.created', 'invitation.updated'],
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
      results.push(
        (await holdsAlready(ctx, sending, email))
          ? { email, status: 'already_member' }
          : await sendInvitation(ctx, sending, email),
      );
    }
    return { results };
  },
});
