import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../auth/email';
import { sha256 } from '../../auth/tokens';
import type { DB, InvitationAgentJson, MatrixJson } from '../../db/schema';
import { problem } from '../../errors';
import { isoOf } from '../../http/present';
import { findUserByEmail } from './membership-repo';
import {
  agentNames,
  findByTokenHash,
  findInvitations,
  findPendingTo,
  type InvitationForAcceptance,
  type InvitationRow,
  type InvitationStatus,
} from './repo';

/** Reads and presenters of invitations: for those who manage them, and for invitees. */

export function statusOf(row: {
  status: 'pending' | 'accepted' | 'revoked';
  expires_at: unknown;
}): InvitationStatus {
  if (row.status === 'pending' && new Date(row.expires_at as string).getTime() <= Date.now())
    return 'expired';
  return row.status;
}

export function agentsOf(row: { agents: unknown }): InvitationAgentJson[] {
  return row.agents as InvitationAgentJson[];
}

/** Whether the caller may see and manage an invitation: admins all; agent admins those to their own agents only. */
export function manages(state: WorkspaceState, actor: Subject, agents: InvitationAgentJson[]): boolean {
  if (hasCapability(state, actor, 'workspace.manage')) return true;
  return agents.length > 0 && agents.every((a) => hasCapability(state, actor, 'agent.manage', a.agentId));
}

/** An invitation as those who manage it see it. */
export function presentInvitation(row: InvitationRow) {
  const agents = agentsOf(row);
  const open = row.status === 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    agentAccess: row.agent_access,
    matrix: row.preset_id ? null : ((row.matrix as MatrixJson | null) ?? null),
    presetId: row.preset_id,
    agents,
    target: agents.length === 0 ? ('workspace' as const) : ('agents' as const),
    status: statusOf(row),
    invitedBy: row.invited_by ? { id: row.invited_by, name: row.inviter_name } : null,
    expiresAt: isoOf(row.expires_at),
    sentCount: row.sent_count,
    acceptedAt: row.accepted_at ? isoOf(row.accepted_at) : null,
    revokedAt: row.revoked_at ? isoOf(row.revoked_at) : null,
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
    // Only invitations the caller manages are ever presented (see `manages`).
    can: { resend: open, revoke: open },
  };
}

/** Invitations the caller manages, filtered by status (default: pending and not expired), newest first. */
export async function listInvitations(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  status: InvitationStatus | 'all' = 'pending',
) {
  const rows = await findInvitations(db, state.workspaceId, status);
  return rows.filter((r) => manages(state, actor, agentsOf(r))).map(presentInvitation);
}

/** The invitation a link's token is for; 400 `token_invalid` when none. */
export async function byToken(db: Kysely<DB>, token: string, lock = false): Promise<InvitationForAcceptance> {
  const row = await findByTokenHash(db, sha256(token), lock);
  if (!row) {
    throw problem(
      'token_invalid',
      'This invitation link is invalid (it may have been re-sent: use the newest email)',
    );
  }
  return row;
}

function agentIdsOf(row: { agents: unknown }): string[] {
  return agentsOf(row).map((a) => a.agentId);
}

/**
 * The pending invitations addressed to the signed-in user's email
 * (docs/rules.md §4 "signing in with that email joins"): the console lists
 * them after sign-in so the person can join without the link.
 */
export async function listMyInvitations(db: Kysely<DB>, email: string) {
  const rows = await findPendingTo(db, normalizeEmail(email) ?? '');
  const out = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      workspace: { id: r.workspace_id, name: r.workspace_name },
      inviter: r.inviter_name ? { name: r.inviter_name } : null,
      role: r.role,
      agents: await agentNames(db, r.workspace_id, agentIdsOf(r)),
      expiresAt: isoOf(r.expires_at),
    });
  }
  return out;
}

/**
 * What the console shows before joining (public, by token): workspace,
 * inviter, address and status, and whether an account with that address
 * exists (to offer sign-in or sign-up).
 */
export async function lookupInvitation(db: Kysely<DB>, token: string) {
  const row = await byToken(db, token);
  const account = await findUserByEmail(db, row.email);
  return {
    workspace: { name: row.workspace_name },
    inviter: row.inviter_name ? { name: row.inviter_name } : null,
    email: row.email,
    role: row.role,
    agents: await agentNames(db, row.workspace_id, agentIdsOf(row)),
    status: statusOf(row),
    expiresAt: isoOf(row.expires_at),
    accountExists: account !== undefined,
  };
}
