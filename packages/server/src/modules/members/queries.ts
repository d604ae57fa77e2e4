import { hasAgentAccess, hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { DB, MatrixJson, WorkspaceRoleColumn } from '../../db/schema';
import { notFound, validationFailed } from '../../errors';
import { requireUuid } from '../../ids';
import { presentGrant } from '../access/grants';
import { findMemberAgents, findMembers, type MemberAgentRow, type MemberRow } from './repo';

/** A member as the API shows it. */
export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRoleColumn;
  agentAccess: 'all' | 'assigned';
  matrix: MatrixJson | null;
  presetId: string | null;
  agents: { agentId: string; name: string; role: 'agent_admin' | 'agent_user' }[];
  lastActivityAt: string | null;
  joinedAt: string;
  can: { edit: boolean; changeRole: boolean; remove: boolean };
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

function present(
  state: WorkspaceState,
  viewer: Subject,
  rows: MemberRow[],
  agents: MemberAgentRow[],
): MemberView[] {
  const manage = hasCapability(state, viewer, 'workspace.manage');
  // Members see only agents they may open (issue 14): an agent user of A1
  // does not learn A2's name or id from the member list.
  const visible = (agentId: string) => hasAgentAccess(state, viewer, agentId);
  const selfId = 'userId' in viewer ? viewer.userId : null;
  return rows.map((r) => {
    const others = manage && r.user_id !== selfId;
    return {
      userId: r.user_id,
      email: r.email,
      name: r.name,
      role: r.role,
      agentAccess: r.agent_access,
      ...presentGrant(r),
      agents: agents
        .filter((a) => a.user_id === r.user_id && visible(a.agent_id))
        .map((a) => ({ agentId: a.agent_id, name: a.agent_name, role: a.role })),
      lastActivityAt: iso(r.last_activity_at),
      joinedAt: iso(r.created_at) as string,
      // docs/rules.md §4: nobody edits their own role or permissions; only admins change roles.
      can: { edit: others, changeRole: others, remove: others },
    };
  });
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!email || encodeCursor(email) !== cursor) {
    throw validationFailed([{ path: '/querystring/cursor', message: 'is not a cursor this API returned' }]);
  }
  return email;
}

/** A page of the member list: search by name or email, filter by role, cursor pagination. */
export async function listMembers(
  db: Kysely<DB>,
  state: WorkspaceState,
  viewer: Subject,
  opts: { q?: string; role?: WorkspaceRoleColumn; cursor?: string; limit?: number },
): Promise<{ members: MemberView[]; nextCursor: string | null }> {
  const limit = opts.limit ?? 50;
  const rows = await findMembers(db, state.workspaceId, {
    q: opts.q,
    role: opts.role,
    afterEmail: opts.cursor ? decodeCursor(opts.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const agents = await findMemberAgents(
    db,
    state.workspaceId,
    page.map((r) => r.user_id),
  );
  const last = page[page.length - 1];
  return {
    members: present(state, viewer, page, agents),
    nextCursor: rows.length > limit && last ? encodeCursor(last.email) : null,
  };
}

/** One member, or 404 when the user is not a member of this workspace. */
export async function getMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  viewer: Subject,
  userId: string,
): Promise<MemberView> {
  requireUuid(userId, 'member');
  const rows = await findMembers(db, state.workspaceId, { userIds: [userId] });
  if (rows.length === 0) throw notFound('member');
  const agents = await findMemberAgents(db, state.workspaceId, [userId]);
  return present(state, viewer, rows, agents)[0] as MemberView;
}

/** The member list as CSV (docs/rules.md §4: "The member list (with roles, agents and last activity) exports to CSV"). */
export async function exportMembersCsv(db: Kysely<DB>, workspaceId: string): Promise<string> {
  const rows = await findMembers(db, workspaceId, {});
  const agents = await findMemberAgents(
    db,
    workspaceId,
    rows.map((r) => r.user_id),
  );
  return stringify(
    rows.map((r) => ({
      email: r.email,
      name: r.name,
      role: r.role,
      agent_access: r.agent_access,
      preset: r.preset_id ?? '',
      agents: agents
        .filter((a) => a.user_id === r.user_id)
        .map((a) => `${a.agent_name} (${a.role})`)
        .join('; '),
      last_activity: iso(r.last_activity_at) ?? '',
      joined: iso(r.created_at) ?? '',
    })),
    {
      header: true,
      columns: ['email', 'name', 'role', 'agent_access', 'preset', 'agents', 'last_activity', 'joined'],
      // Cells starting with = + - @ are prefixed so spreadsheets do not run them as formulas.
      cast: {
        string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v),
      },
    },
  );
}
