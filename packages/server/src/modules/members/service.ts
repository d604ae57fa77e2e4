import {
  type Area,
  hasCapability,
  isArea,
  isPermission,
  isSensitive,
  levelOf,
  type Matrix,
  mergeMatrix,
  type Permission,
  permissionsOf,
  type Subject,
  type WorkspaceState,
} from '@atrium/policy';
import { stringify } from 'csv-stringify/sync';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, MatrixJson, WorkspaceRoleColumn } from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import { bumpRevision } from '../access/revision';
import { recordActivity } from '../activity/record';
import {
  type GrantInput,
  grantActivity,
  grantDiff,
  grantMatrix,
  inTransaction,
  lockWorkspace,
  parseGrant,
  presentGrant,
  requireConfirmation,
  requireUuid,
  type StoredGrant,
  UUID_RE,
  type WriteContext,
} from '../workspaces/common';
import { countAdmins, findMemberAgents, findMembers, type MemberAgentRow, type MemberRow } from './repo';

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
        .filter((a) => a.user_id === r.user_id)
        .map((a) => ({ agentId: a.agent_id, name: a.agent_name, role: a.role })),
      lastActivityAt: iso(r.last_activity_at),
      joinedAt: iso(r.created_at) as string,
      // SPEC §4: nobody edits their own role or permissions; only admins change roles.
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

/** The member list as CSV (SPEC §4: "The member list (with roles, agents and last activity) exports to CSV"). */
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

/**
 * Makes a user a member of the workspace if they are not one yet (SPEC §4
 * "anyone invited to the workspace or to any of its agents is a member").
 * Returns whether a membership was created. Never changes an existing one.
 */
export async function ensureWorkspaceMember(
  tx: Transaction<DB>,
  input: {
    workspaceId: string;
    userId: string;
    role: WorkspaceRoleColumn;
    agentAccess: 'all' | 'assigned';
    grant: StoredGrant | null;
  },
): Promise<boolean> {
  const inserted = await tx
    .insertInto('workspace_members')
    .values({
      workspace_id: input.workspaceId,
      user_id: input.userId,
      role: input.role,
      agent_access: input.role === 'admin' ? 'all' : input.agentAccess,
      matrix: input.grant?.matrix ? JSON.stringify(input.grant.matrix) : null,
      preset_id: input.grant?.presetId ?? null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

async function lockedMember(tx: Transaction<DB>, workspaceId: string, userId: string) {
  const row = await tx
    .selectFrom('workspace_members')
    .select(['user_id', 'role', 'agent_access', 'matrix', 'preset_id'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('member');
  return row;
}

function refuseSelf(actor: Subject, userId: string, what: string): void {
  if ('userId' in actor && actor.userId === userId) {
    throw problem('forbidden', `Nobody ${what} their own role or permissions`);
  }
}

export interface MemberPatch extends GrantInput {
  role?: WorkspaceRoleColumn;
  confirmReset?: boolean;
  agentAccess?: 'all' | 'assigned';
}

/**
 * Changes a member's workspace role, agent access and/or workspace grant
 * (SPEC §4). Admins only (the route declares `workspace.manage`); nobody
 * edits themselves. A role change needs `confirmReset: true` and resets the
 * member's agent permissions: their agent roles are removed, their workspace
 * matrix or preset is cleared and agent access becomes `all` for an admin,
 * `assigned` for a member (unless set in the same request). The last admin
 * cannot be demoted (409 `last_admin`).
 */
export async function updateMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  userId: string,
  patch: MemberPatch,
  ctx: WriteContext,
): Promise<{ revision: number; changed: boolean }> {
  requireUuid(userId, 'member');
  const grant = parseGrant(state, patch);
  return inTransaction(db, async (tx) => {
    const workspaceId = state.workspaceId;
    await lockWorkspace(tx, workspaceId);
    const before = await lockedMember(tx, workspaceId, userId);
    // The last admin demoting themselves hears the more specific `last_admin`.
    if (patch.role === 'member' && before.role === 'admin' && (await countAdmins(tx, workspaceId)) <= 1) {
      throw problem('last_admin', 'The last admin of a workspace cannot be demoted');
    }
    refuseSelf(actor, userId, 'edits');
    let changed = false;
    const target = { type: 'member', id: userId };
    const current: StoredGrant = { matrix: before.matrix as MatrixJson | null, presetId: before.preset_id };
    let agentAccess = before.agent_access;
    let newGrant: StoredGrant = current;

    if (patch.role !== undefined && patch.role !== before.role) {
      if (patch.confirmReset !== true) {
        throw problem(
          'confirmation_mismatch',
          "Changing a member's workspace role resets their agent permissions; send confirmReset: true to confirm",
          { errors: [{ path: '/body/confirmReset', message: 'must be true to change the role' }] },
        );
      }
      if (before.role === 'admin' && (await countAdmins(tx, workspaceId)) <= 1) {
        throw problem('last_admin', 'The last admin of a workspace cannot be demoted');
      }
      const agentRoles = await tx
        .deleteFrom('agent_members')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .returning(['agent_id', 'role'])
        .execute();
      agentAccess = patch.role === 'admin' ? 'all' : 'assigned';
      newGrant = { matrix: null, presetId: null };
      await tx
        .updateTable('workspace_members')
        .set({
          role: patch.role,
          agent_access: agentAccess,
          matrix: null,
          preset_id: null,
          updated_at: sql`now()`,
        })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      await recordActivity(tx, {
        workspaceId,
        actor: ctx.actor,
        action: 'member.role_changed',
        target,
        before: {
          role: before.role,
          agentAccess: before.agent_access,
          agentRoles: agentRoles.map((a) => ({ agentId: a.agent_id, role: a.role })),
          ...presentGrant(before),
        },
        after: { role: patch.role, agentAccess, agentRoles: [], matrix: null, presetId: null },
        origin: ctx.origin,
      });
      changed = true;
    }

    if (patch.agentAccess !== undefined && patch.agentAccess !== agentAccess) {
      await tx
        .updateTable('workspace_members')
        .set({ agent_access: patch.agentAccess, updated_at: sql`now()` })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      await recordActivity(tx, {
        workspaceId,
        actor: ctx.actor,
        action: 'member.agent_access_changed',
        target,
        before: { agentAccess },
        after: { agentAccess: patch.agentAccess },
        origin: ctx.origin,
      });
      changed = true;
    }

    if (grant !== null) {
      const changes = grantDiff(state, newGrant, grant);
      const linkChanged = (newGrant.presetId ?? null) !== grant.presetId;
      if (changes.length > 0 || linkChanged) {
        await tx
          .updateTable('workspace_members')
          .set({
            matrix: grant.matrix ? JSON.stringify(grant.matrix) : null,
            preset_id: grant.presetId,
            updated_at: sql`now()`,
          })
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .execute();
        await recordActivity(tx, {
          workspaceId,
          actor: ctx.actor,
          action: 'permissions.updated',
          target,
          ...grantActivity(state, newGrant, grant),
          origin: ctx.origin,
        });
        changed = true;
      }
    }
    const revision = changed ? await bumpRevision(tx, workspaceId) : state.revision;
    return { revision, changed };
  });
}

/**
 * The explicit per-item patch a matrix body stands for, keeping explicit
 * `none`s (which `parseMatrix` drops) so a merge can lower items.
 */
function patchOf(input: Record<string, string>, parsed: Matrix): Matrix {
  const touched = new Set<Permission>();
  for (const key of Object.keys(input)) {
    if (isArea(key)) for (const p of permissionsOf(key as Area)) if (!isSensitive(p)) touched.add(p);
    if (isPermission(key)) touched.add(key);
  }
  const out: Matrix = {};
  for (const p of touched) out[p] = levelOf(parsed, p);
  return out;
}

/**
 * Sets the workspace grant of many members at once (SPEC §4 "Bulk
 * permission edits say whether they replace or merge"). `replace` stores the
 * given matrix (or links the preset) as is; `merge` applies the matrix's
 * entries over each member's current levels (a linked preset is resolved,
 * then unlinked) and leaves the other items alone. All or nothing.
 */
export async function bulkUpdatePermissions(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  body: GrantInput & { userIds: string[]; mode: 'replace' | 'merge' },
  ctx: WriteContext,
) {
  const grant = parseGrant(state, body);
  if (grant === null) {
    throw validationFailed([{ path: '/body/matrix', message: 'send a matrix or a presetId' }]);
  }
  if (body.mode === 'merge' && grant.presetId !== null) {
    throw validationFailed([
      { path: '/body/mode', message: 'a preset is linked, never merged: use mode "replace"' },
    ]);
  }
  const userIds = [...new Set(body.userIds)];
  for (const id of userIds) refuseSelf(actor, id, 'edits');
  return inTransaction(db, async (tx) => {
    const workspaceId = state.workspaceId;
    await lockWorkspace(tx, workspaceId);
    const valid = userIds.filter((id) => UUID_RE.test(id));
    const rows = valid.length
      ? await tx
          .selectFrom('workspace_members')
          .select(['user_id', 'matrix', 'preset_id'])
          .where('workspace_id', '=', workspaceId)
          .where('user_id', 'in', valid)
          .forUpdate()
          .execute()
      : [];
    const found = new Set(rows.map((r) => r.user_id));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw problem('not_found', 'Some users are not members of this workspace', { userIds: missing });
    const results: { userId: string; changes: string[] }[] = [];
    for (const row of rows) {
      const current: StoredGrant = { matrix: row.matrix as MatrixJson | null, presetId: row.preset_id };
      let next: StoredGrant = grant;
      if (body.mode === 'merge') {
        const patch = patchOf(body.matrix ?? {}, (grant.matrix ?? {}) as Matrix);
        const merged = mergeMatrix(grantMatrix(state, current), patch);
        next = { matrix: merged as MatrixJson, presetId: null };
      }
      const changes = grantDiff(state, current, next);
      results.push({ userId: row.user_id, changes });
      if (changes.length === 0 && current.presetId === next.presetId) continue;
      await tx
        .updateTable('workspace_members')
        .set({
          matrix: next.matrix ? JSON.stringify(next.matrix) : null,
          preset_id: next.presetId,
          updated_at: sql`now()`,
        })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', row.user_id)
        .execute();
      await recordActivity(tx, {
        workspaceId,
        actor: ctx.actor,
        action: 'permissions.updated',
        target: { type: 'member', id: row.user_id },
        before: grantActivity(state, current, next).before,
        after: { ...grantActivity(state, current, next).after, bulk: body.mode },
        origin: ctx.origin,
      });
    }
    const revision = await bumpRevision(tx, workspaceId);
    return { mode: body.mode, updated: results, revision };
  });
}

/**
 * Removes a member (admins only; not themselves — they leave instead), once
 * the admin has typed the member's email (SPEC §4 "Deleting"). Their agent
 * roles go with the membership (foreign key cascade). The revision bump
 * makes their next request to this workspace fail (SPEC §3).
 */
export async function removeMember(
  db: Kysely<DB>,
  state: WorkspaceState,
  actor: Subject,
  userId: string,
  confirm: string | undefined,
  ctx: WriteContext,
) {
  requireUuid(userId, 'member');
  return inTransaction(db, async (tx) => {
    const workspaceId = state.workspaceId;
    await lockWorkspace(tx, workspaceId);
    const member = await lockedMember(tx, workspaceId, userId);
    if ('userId' in actor && actor.userId === userId) {
      if (member.role === 'admin' && (await countAdmins(tx, workspaceId)) <= 1) {
        throw problem('last_admin', 'The last admin of a workspace cannot be removed');
      }
      throw problem('forbidden', 'To remove yourself, leave the workspace (POST …/leave)');
    }
    const user = await tx
      .selectFrom('users')
      .select(['email'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    requireConfirmation(confirm?.trim().toLowerCase(), user.email, "member's email");
    if (member.role === 'admin' && (await countAdmins(tx, workspaceId)) <= 1) {
      throw problem('last_admin', 'The last admin of a workspace cannot be removed');
    }
    await tx
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'member.removed',
      target: { type: 'member', id: userId },
      before: { email: user.email, role: member.role },
      origin: ctx.origin,
    });
    return { removed: true as const, revision: await bumpRevision(tx, workspaceId) };
  });
}

/** Leaves a workspace (every user may; SPEC §2). The last admin cannot (409 `last_admin`). */
export async function leaveWorkspace(db: Kysely<DB>, workspaceId: string, userId: string, ctx: WriteContext) {
  return inTransaction(db, async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const member = await lockedMember(tx, workspaceId, userId);
    if (member.role === 'admin' && (await countAdmins(tx, workspaceId)) <= 1) {
      throw problem('last_admin', 'You are the last admin: make someone else admin before leaving');
    }
    await tx
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'member.left',
      target: { type: 'member', id: userId },
      before: { role: member.role },
      origin: ctx.origin,
    });
    return { left: true as const, revision: await bumpRevision(tx, workspaceId) };
  });
}
