import { defineCommand } from '../../command/command';
import { requireConfirmation } from '../../command/confirm';
import { problem } from '../../errors';
import {
  deleteWorkspaceRow,
  insertCreatorMembership,
  insertEmptyPolicies,
  insertWorkspace,
  lockWorkspaceName,
  updateWorkspaceName,
} from './repo';

/**
 * The workspace commands (docs/rules.md §4): create, rename, delete. Each
 * runs inside the command wrapper (command/command.ts), which opens the
 * transaction, holds the workspace lock, records the activity entries and
 * bumps the revision when access rows change.
 */

/**
 * Creates a workspace; its creator becomes its admin with access to every
 * agent (docs/rules.md §4 "Workspace creation: any user; the creator is its
 * admin"), and its (empty) policies row. An account-level command: it names
 * the new workspace so the wrapper bumps that one's revision.
 */
export const createWorkspace = defineCommand({
  name: 'workspaces.create',
  actions: ['workspace.created'],
  async run(ctx, { name }: { name: string }) {
    const userId = ctx.userId;
    if (!userId) throw problem('forbidden', 'Only a signed-in user creates a workspace');
    const id = await insertWorkspace(ctx.tx, name, userId);
    await insertCreatorMembership(ctx.tx, id, userId);
    ctx.touchWorkspace(id);
    await insertEmptyPolicies(ctx.tx, id);
    await ctx.record({
      workspaceId: id,
      action: 'workspace.created',
      target: { type: 'workspace', id },
      after: { name },
    });
    return { id };
  },
});

function workspaceOf(ctx: { workspaceId: string | null }): string {
  if (!ctx.workspaceId) throw new Error('workspace commands run in a workspace scope');
  return ctx.workspaceId;
}

/** Renames a workspace (workspace.manage). Names are not access: no revision bump. */
export const renameWorkspace = defineCommand({
  name: 'workspaces.rename',
  actions: ['workspace.renamed'],
  async run(ctx, { name }: { name: string }) {
    const workspaceId = workspaceOf(ctx);
    const before = await lockWorkspaceName(ctx.tx, workspaceId);
    await updateWorkspaceName(ctx.tx, workspaceId, name);
    await ctx.record({
      action: 'workspace.renamed',
      target: { type: 'workspace', id: workspaceId },
      before: { name: before },
      after: { name },
    });
  },
});

/**
 * Deletes a workspace and everything in it, once the admin has typed its
 * exact name (docs/rules.md §4 "Deleting"). The activity entry outlives the
 * workspace (the log has no foreign keys on purpose). The wrapper announces
 * the deletion as a revision bump, so every instance drops its cached state.
 */
export const deleteWorkspace = defineCommand({
  name: 'workspaces.delete',
  actions: ['workspace.deleted'],
  async run(ctx, { confirm }: { confirm: string | undefined }) {
    const workspaceId = workspaceOf(ctx);
    const name = await lockWorkspaceName(ctx.tx, workspaceId);
    requireConfirmation(confirm, name, 'workspace name');
    await ctx.record({
      action: 'workspace.deleted',
      target: { type: 'workspace', id: workspaceId },
      before: { name },
    });
    await deleteWorkspaceRow(ctx.tx, workspaceId);
    return { deleted: true as const };
  },
});
