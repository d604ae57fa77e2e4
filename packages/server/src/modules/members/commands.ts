import {
  type Area,
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
import { type CommandContext, defineCommand } from '../../command/command';
import { requireConfirmation } from '../../command/confirm';
import type { MatrixJson, WorkspaceRoleColumn } from '../../db/schema';
import { problem, validationFailed } from '../../errors';
import { isUuid, requireUuid } from '../../ids';
import {
  type GrantInput,
  grantActivity,
  grantDiff,
  grantMatrix,
  parseGrant,
  presentGrant,
  type StoredGrant,
} from '../access/grants';
import {
  countAdmins,
  deleteAgentRolesOf,
  deleteMembership,
  emailOf,
  lockMember,
  lockMemberGrants,
  updateMembership,
} from './repo';

/**
 * The member commands (docs/rules.md §4): change a member, bulk-edit grants,
 * remove, leave. Each runs inside the command wrapper (command/command.ts),
 * which holds the workspace lock, records the activity entries and bumps the
 * revision; here are only the rules and the writes.
 */

function stateOf(ctx: CommandContext): WorkspaceState {
  if (!ctx.state) throw new Error('member commands run in a workspace scope');
  return ctx.state;
}

function workspaceOf(ctx: CommandContext): string {
  return stateOf(ctx).workspaceId;
}

function refuseSelf(actor: Subject | null, userId: string, what: string): void {
  if (actor && 'userId' in actor && actor.userId === userId) {
    throw problem('forbidden', `Nobody ${what} their own role or permissions`);
  }
}

async function refuseLastAdmin(
  ctx: CommandContext,
  role: WorkspaceRoleColumn,
  detail: string,
): Promise<void> {
  if (role === 'admin' && (await countAdmins(ctx.tx, workspaceOf(ctx))) <= 1)
    throw problem('last_admin', detail);
}

export interface MemberPatch extends GrantInput {
  role?: WorkspaceRoleColumn;
  confirmReset?: boolean;
  agentAccess?: 'all' | 'assigned';
}

/**
 * Changes a member's workspace role, agent access and/or workspace grant.
 * Admins only (the route declares `workspace.manage`); nobody edits
 * themselves. A role change needs `confirmReset: true` and resets the
 * member's agent permissions: their agent roles are removed, their workspace
 * matrix or preset is cleared and agent access becomes `all` for an admin,
 * `assigned` for a member (unless set in the same request). The last admin
 * cannot be demoted (409 `last_admin`).
 */
export const updateMember = defineCommand({
  name: 'members.update',
  actions: ['member.role_changed', 'member.agent_access_changed', 'permissions.updated'],
  target: (input: { userId: string; patch: MemberPatch }) => ({ type: 'member', id: input.userId }),
  async run(ctx, { userId, patch }: { userId: string; patch: MemberPatch }) {
    requireUuid(userId, 'member');
    const state = stateOf(ctx);
    const workspaceId = state.workspaceId;
    const grant = parseGrant(state, patch);
    const before = await lockMember(ctx.tx, workspaceId, userId);
    // The last admin demoting themselves hears the more specific `last_admin`.
    if (patch.role === 'member') {
      await refuseLastAdmin(ctx, before.role, 'The last admin of a workspace cannot be demoted');
    }
    refuseSelf(ctx.subject, userId, 'edits');
    const target = { type: 'member', id: userId };
    let agentAccess = before.agent_access;
    let current: StoredGrant = { matrix: before.matrix as MatrixJson | null, presetId: before.preset_id };

    if (patch.role !== undefined && patch.role !== before.role) {
      if (patch.confirmReset !== true) {
        throw problem(
          'confirmation_mismatch',
          "Changing a member's workspace role resets their agent permissions; send confirmReset: true to confirm",
          { errors: [{ path: '/body/confirmReset', message: 'must be true to change the role' }] },
        );
      }
      await refuseLastAdmin(ctx, before.role, 'The last admin of a workspace cannot be demoted');
      const agentRoles = await deleteAgentRolesOf(ctx.tx, workspaceId, userId);
      agentAccess = patch.role === 'admin' ? 'all' : 'assigned';
      current = { matrix: null, presetId: null };
      await updateMembership(ctx.tx, workspaceId, userId, { role: patch.role, agentAccess, grant: current });
      await ctx.record({
        action: 'member.role_changed',
        target,
        before: {
          role: before.role,
          agentAccess: before.agent_access,
          agentRoles: agentRoles.map((a) => ({ agentId: a.agent_id, role: a.role })),
          ...presentGrant(before),
        },
        after: { role: patch.role, agentAccess, agentRoles: [], matrix: null, presetId: null },
      });
    }

    if (patch.agentAccess !== undefined && patch.agentAccess !== agentAccess) {
      await updateMembership(ctx.tx, workspaceId, userId, { agentAccess: patch.agentAccess });
      await ctx.record({
        action: 'member.agent_access_changed',
        target,
        before: { agentAccess },
        after: { agentAccess: patch.agentAccess },
      });
    }

    if (grant !== null) {
      const changes = grantDiff(state, current, grant);
      if (changes.length > 0 || (current.presetId ?? null) !== grant.presetId) {
        await updateMembership(ctx.tx, workspaceId, userId, { grant });
        await ctx.record({ action: 'permissions.updated', target, ...grantActivity(state, current, grant) });
      }
    }
  },
});

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

export type BulkPermissionsInput = GrantInput & { userIds: string[]; mode: 'replace' | 'merge' };

/**
 * Sets the workspace grant of many members at once (docs/rules.md §4 "Bulk
 * permission edits say whether they replace or merge"). `replace` stores the
 * given matrix (or links the preset) as is; `merge` applies the matrix's
 * entries over each member's current levels (a linked preset is resolved,
 * then unlinked) and leaves the other items alone. All or nothing.
 */
export const bulkUpdatePermissions = defineCommand({
  name: 'members.bulk_permissions',
  actions: ['permissions.updated'],
  async run(ctx, body: BulkPermissionsInput) {
    const state = stateOf(ctx);
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
    for (const id of userIds) refuseSelf(ctx.subject, id, 'edits');
    const rows = await lockMemberGrants(ctx.tx, state.workspaceId, userIds.filter(isUuid));
    const found = new Set(rows.map((r) => r.user_id));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw problem('not_found', 'Some users are not members of this workspace', { userIds: missing });
    }
    const updated: { userId: string; changes: string[] }[] = [];
    for (const row of rows) {
      const current: StoredGrant = { matrix: row.matrix as MatrixJson | null, presetId: row.preset_id };
      let next: StoredGrant = grant;
      if (body.mode === 'merge') {
        const patch = patchOf(body.matrix ?? {}, (grant.matrix ?? {}) as Matrix);
        next = { matrix: mergeMatrix(grantMatrix(state, current), patch) as MatrixJson, presetId: null };
      }
      const changes = grantDiff(state, current, next);
      updated.push({ userId: row.user_id, changes });
      if (changes.length === 0 && current.presetId === next.presetId) continue;
      await updateMembership(ctx.tx, state.workspaceId, row.user_id, { grant: next });
      const activity = grantActivity(state, current, next);
      await ctx.record({
        action: 'permissions.updated',
        target: { type: 'member', id: row.user_id },
        before: activity.before,
        after: { ...activity.after, bulk: body.mode },
      });
    }
    return { mode: body.mode, updated };
  },
});

/**
 * Removes a member (admins only; not themselves — they leave instead), once
 * the admin has typed the member's email (docs/rules.md §4 "Deleting").
 * Their agent roles go with the membership. The revision bump makes their
 * next request to this workspace fail (docs/rules.md §3).
 */
export const removeMember = defineCommand({
  name: 'members.remove',
  actions: ['member.removed'],
  target: (input: { userId: string; confirm?: string }) => ({ type: 'member', id: input.userId }),
  async run(ctx, { userId, confirm }: { userId: string; confirm?: string }) {
    requireUuid(userId, 'member');
    const workspaceId = workspaceOf(ctx);
    const member = await lockMember(ctx.tx, workspaceId, userId);
    if (ctx.userId === userId) {
      await refuseLastAdmin(ctx, member.role, 'The last admin of a workspace cannot be removed');
      throw problem('forbidden', 'To remove yourself, leave the workspace (POST …/leave)');
    }
    const email = await emailOf(ctx.tx, userId);
    requireConfirmation(confirm?.trim().toLowerCase(), email, "member's email");
    await refuseLastAdmin(ctx, member.role, 'The last admin of a workspace cannot be removed');
    await deleteMembership(ctx.tx, workspaceId, userId);
    await ctx.record({
      action: 'member.removed',
      target: { type: 'member', id: userId },
      before: { email, role: member.role },
    });
    return { removed: true as const };
  },
});

/** Leaves a workspace (every user may; docs/rules.md §2). The last admin cannot (409 `last_admin`). */
export const leaveWorkspace = defineCommand({
  name: 'members.leave',
  actions: ['member.left'],
  async run(ctx, _input: Record<string, never>) {
    const workspaceId = workspaceOf(ctx);
    const userId = ctx.userId;
    if (!userId) throw problem('forbidden', 'This action needs a signed-in user, not an API key');
    const member = await lockMember(ctx.tx, workspaceId, userId);
    await refuseLastAdmin(ctx, member.role, 'You are the last admin: make someone else admin before leaving');
    await deleteMembership(ctx.tx, workspaceId, userId);
    await ctx.record({
      action: 'member.left',
      target: { type: 'member', id: userId },
      before: { role: member.role },
    });
    return { left: true as const };
  },
});
