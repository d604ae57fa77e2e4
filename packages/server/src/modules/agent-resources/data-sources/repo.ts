import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../db/schema';

/** Every statement on `data_sources`; each names the workspace and the agent. */

export type DataSourceStatus = 'pending' | 'processing' | 'ready' | 'failed';

/** Data sources of one agent, oldest first. */
export function findDataSources(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return db
    .selectFrom('data_sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export type DataSourceRow = Awaited<ReturnType<typeof findDataSources>>[number];

export function insertDataSource(
  tx: Transaction<DB>,
  values: {
    workspaceId: string;
    agentId: string;
    name: string;
    kind: 'url' | 'file' | 'text';
    location: string | null;
    addedBy: string | null;
    addedByName: string | null;
  },
): Promise<DataSourceRow> {
  return tx
    .insertInto('data_sources')
    .values({
      workspace_id: values.workspaceId,
      agent_id: values.agentId,
      name: values.name,
      kind: values.kind,
      location: values.location,
      added_by: values.addedBy,
      added_by_name: values.addedByName,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One data source of the agent, locked until the transaction ends. */
export function lockDataSource(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<DataSourceRow | undefined> {
  return tx
    .selectFrom('data_sources')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .forUpdate()
    .executeTakeFirst();
}

export function updateDataSourceRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  patch: { name?: string; status?: DataSourceStatus },
): Promise<DataSourceRow> {
  return tx
    .updateTable('data_sources')
    .set({
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.status ? { status: patch.status } : {}),
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes one data source of the agent; the deleted row, or undefined when there was none. */
export function deleteDataSourceRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<DataSourceRow | undefined> {
  return tx
    .deleteFrom('data_sources')
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .returningAll()
    .executeTakeFirst();
}
