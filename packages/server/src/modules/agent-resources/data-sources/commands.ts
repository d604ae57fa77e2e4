import { defineCommand } from '../../../command/command';
import { notFound, validationFailed } from '../../../errors';
import { requireUuid } from '../../../ids';
import { workspaceOf } from '../scope';
import {
  type DataSourceRow,
  type DataSourceStatus,
  deleteDataSourceRow,
  insertDataSource,
  lockDataSource,
  updateDataSourceRow,
} from './repo';

/** Data sources (docs/rules.md §2 `build.knowledge`): add, rename or report status, remove. */

/** Input of {@link addDataSource}. */
export interface DataSourceInput {
  name: string;
  kind: 'url' | 'file' | 'text';
  location?: string;
}

/** Where a source of `kind` points, validated; null for `text`. */
function locationOf(input: DataSourceInput): string | null {
  const location = input.location?.trim() || null;
  if (input.kind === 'url') {
    let ok = false;
    try {
      const u = new URL(location ?? '');
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {}
    if (!ok)
      throw validationFailed([{ path: '/body/location', message: 'a url source needs an http(s) URL' }]);
    return location;
  }
  if (input.kind === 'file') {
    if (!location)
      throw validationFailed([{ path: '/body/location', message: 'a file source needs a file name' }]);
    return location;
  }
  return null;
}

/**
 * Adds a data source. A `url` source needs an http(s) URL, a `file` source a
 * file name; a `text` source has none. New sources start `pending` until the
 * agent platform indexes them.
 */
export const addDataSource = defineCommand({
  name: 'data_sources.add',
  actions: ['data_source.added'],
  async run(ctx, { agentId, source }: { agentId: string; source: DataSourceInput }): Promise<DataSourceRow> {
    const workspaceId = workspaceOf(ctx);
    const name = source.name.trim();
    if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
    const location = locationOf(source);
    const row = await insertDataSource(ctx.tx, {
      workspaceId,
      agentId,
      name,
      kind: source.kind,
      location,
      addedBy: ctx.userId,
      addedByName: ctx.actor.name ?? null,
    });
    await ctx.record({
      action: 'data_source.added',
      target: { type: 'data_source', id: row.id },
      agentId,
      after: { name, kind: source.kind, location },
    });
    return row;
  },
});

export interface UpdateDataSourceInput {
  agentId: string;
  id: string;
  patch: { name?: string; status?: DataSourceStatus };
}

/**
 * Renames a data source or records its indexing status (the agent platform
 * reports `processing` → `ready` / `failed` with an API key holding edit on
 * `build.knowledge`).
 */
export const updateDataSource = defineCommand({
  name: 'data_sources.update',
  actions: ['data_source.updated'],
  target: (input: UpdateDataSourceInput) => ({ type: 'data_source', id: input.id }),
  async run(ctx, { agentId, id, patch }: UpdateDataSourceInput): Promise<DataSourceRow> {
    const workspaceId = workspaceOf(ctx);
    requireUuid(id, 'data source');
    const name = patch.name?.trim();
    if (patch.name !== undefined && !name)
      throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
    const before = await lockDataSource(ctx.tx, workspaceId, agentId, id);
    if (!before) throw notFound('data source');
    const row = await updateDataSourceRow(ctx.tx, workspaceId, id, { name, status: patch.status });
    await ctx.record({
      action: 'data_source.updated',
      target: { type: 'data_source', id },
      agentId,
      before: { name: before.name, status: before.status },
      after: { name: row.name, status: row.status },
    });
    return row;
  },
});

/** Removes a data source of this agent (404 for any other id). */
export const removeDataSource = defineCommand({
  name: 'data_sources.remove',
  actions: ['data_source.removed'],
  target: (input: { agentId: string; id: string }) => ({ type: 'data_source', id: input.id }),
  async run(ctx, { agentId, id }: { agentId: string; id: string }): Promise<void> {
    const workspaceId = workspaceOf(ctx);
    requireUuid(id, 'data source');
    const row = await deleteDataSourceRow(ctx.tx, workspaceId, agentId, id);
    if (!row) throw notFound('data source');
    await ctx.record({
      action: 'data_source.removed',
      target: { type: 'data_source', id },
      agentId,
      before: { name: row.name, kind: row.kind, location: row.location },
    });
  },
});
