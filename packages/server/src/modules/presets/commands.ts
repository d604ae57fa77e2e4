import { diffMatrix, isBuiltinPresetId, type Matrix, type WorkspaceState } from '@atrium/policy';
import { type CommandContext, defineCommand } from '../../command/command';
import { problem, validationFailed } from '../../errors';
import { describeChanges, parseGrant } from '../access/grants';
import { getPreset } from './queries';
import {
  countPresetUsage,
  deletePresetRow,
  findPreset,
  insertPreset,
  insertVersion,
  reassignPresetLinks,
  updatePresetRow,
} from './repo';

/**
 * The preset commands (docs/rules.md §2): create, edit (a new version), delete.
 * Run by the command wrapper (command/command.ts), which holds the workspace
 * lock, records the activity entries and bumps the revision when a write
 * reaches the access state (a preset's matrix, a relinked grant).
 */

function stateOf(ctx: CommandContext): WorkspaceState {
  if (!ctx.state) throw new Error('preset commands run in a workspace scope');
  return ctx.state;
}

function refuseBuiltin(id: string): void {
  if (isBuiltinPresetId(id)) {
    throw problem(
      'forbidden',
      'Built-in presets are read-only: create a custom preset with copyFrom instead',
    );
  }
}

const presetTarget = (input: { id: string }) => ({ type: 'preset', id: input.id });

export interface CreatePresetInput {
  name: string;
  description?: string;
  matrix?: Record<string, string>;
  copyFrom?: string;
}

/**
 * Creates a custom preset (workspace.manage) from a matrix, or as a copy of a
 * built-in or custom preset (`copyFrom`). Version 1 is kept in
 * preset_versions like every later version (docs/rules.md §2).
 */
export const createPreset = defineCommand({
  name: 'presets.create',
  actions: ['preset.created'],
  async run(ctx, input: CreatePresetInput): Promise<{ id: string }> {
    const state = stateOf(ctx);
    if ((input.matrix === undefined) === (input.copyFrom === undefined)) {
      throw validationFailed([{ path: '/body/matrix', message: 'send exactly one of matrix or copyFrom' }]);
    }
    let matrix: Matrix;
    let description = input.description;
    if (input.copyFrom !== undefined) {
      const source = await getPreset(ctx.tx, state.workspaceId, input.copyFrom).catch(() => {
        throw validationFailed([{ path: '/body/copyFrom', message: `no preset "${input.copyFrom}"` }]);
      });
      matrix = source.matrix;
      description ??= source.description;
    } else {
      matrix = (parseGrant(state, { matrix: input.matrix })?.matrix ?? {}) as Matrix;
    }
    const row = await insertPreset(ctx.tx, state.workspaceId, {
      name: input.name,
      description: description ?? '',
      matrix,
      createdBy: ctx.userId,
    });
    await insertVersion(ctx.tx, state.workspaceId, row, ctx.userId);
    await ctx.record({
      action: 'preset.created',
      target: { type: 'preset', id: row.id },
      after: { name: row.name, copyFrom: input.copyFrom ?? null, matrix },
    });
    return { id: row.id };
  },
});

export interface UpdatePresetInput {
  id: string;
  patch: { name?: string; description?: string; matrix?: Record<string, string> };
}

/**
 * Edits a custom preset: bumps its version, keeps the new version, and —
 * because members link presets rather than copy them — changes every linked
 * member at once (docs/rules.md §2). An edit that changes nothing writes
 * nothing (and bumps no revision).
 */
export const updatePreset = defineCommand({
  name: 'presets.update',
  actions: ['preset.updated'],
  target: presetTarget,
  async run(ctx, { id, patch }: UpdatePresetInput) {
    const state = stateOf(ctx);
    refuseBuiltin(id);
    const matrix =
      patch.matrix !== undefined
        ? ((parseGrant(state, { matrix: patch.matrix })?.matrix ?? {}) as Matrix)
        : undefined;
    const before = await findPreset(ctx.tx, state.workspaceId, id, true);
    const next = {
      name: patch.name ?? before.name,
      description: patch.description ?? before.description,
      matrix: matrix ?? (before.matrix as Matrix),
    };
    const changes = describeChanges(diffMatrix(before.matrix as Matrix, next.matrix));
    if (next.name === before.name && next.description === before.description && changes.length === 0) {
      return { changes, linked: await countPresetUsage(ctx.tx, state.workspaceId, id) };
    }
    const row = await updatePresetRow(ctx.tx, state.workspaceId, id, next);
    await insertVersion(ctx.tx, state.workspaceId, row, ctx.userId);
    const linked = await countPresetUsage(ctx.tx, state.workspaceId, id);
    await ctx.record({
      action: 'preset.updated',
      target: { type: 'preset', id },
      before: { name: before.name, version: before.version },
      after: { name: row.name, version: row.version, changes, linked },
    });
    return { changes, linked };
  },
});

/**
 * Deletes a custom preset. A preset still linked by members, agent members,
 * API keys or pending invitations answers 409 `conflict` with the counts,
 * unless `reassignTo` names the preset (built-in or custom) they move to.
 */
export const deletePreset = defineCommand({
  name: 'presets.delete',
  actions: ['preset.deleted'],
  target: presetTarget,
  async run(ctx, { id, reassignTo }: { id: string; reassignTo?: string }) {
    const state = stateOf(ctx);
    refuseBuiltin(id);
    if (
      reassignTo !== undefined &&
      (reassignTo === id || (!isBuiltinPresetId(reassignTo) && !state.presets.has(reassignTo)))
    ) {
      throw validationFailed([
        { path: '/querystring/reassignTo', message: `no other preset "${reassignTo}"` },
      ]);
    }
    const before = await findPreset(ctx.tx, state.workspaceId, id, true);
    const usage = await countPresetUsage(ctx.tx, state.workspaceId, id);
    const total = usage.members + usage.agentMembers + usage.apiKeys + usage.invitations;
    if (total > 0 && reassignTo === undefined) {
      throw problem(
        'conflict',
        `This preset is in use (${usage.members} members, ${usage.agentMembers} agent members, ${usage.apiKeys} API keys, ${usage.invitations} pending invitations): send reassignTo`,
        { usage },
      );
    }
    if (total > 0 && reassignTo !== undefined) {
      await reassignPresetLinks(ctx.tx, state.workspaceId, id, reassignTo);
    }
    await deletePresetRow(ctx.tx, state.workspaceId, id);
    await ctx.record({
      action: 'preset.deleted',
      target: { type: 'preset', id },
      before: { name: before.name, version: before.version, usage },
      after: reassignTo ? { reassignedTo: reassignTo } : null,
    });
    return { deleted: true as const, reassignedTo: reassignTo ?? null, usage };
  },
});
