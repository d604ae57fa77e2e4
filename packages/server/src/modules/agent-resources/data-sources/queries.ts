import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { isoOf } from '../../../http/present';
import { type DataSourceRow, findDataSources } from './repo';

/** A data source as the API shows it. */
export function presentDataSource(r: DataSourceRow) {
  return {
    id: r.id,
    agentId: r.agent_id,
    name: r.name,
    kind: r.kind,
    location: r.location,
    status: r.status,
    addedBy: r.added_by_name ? { id: r.added_by, name: r.added_by_name } : null,
    createdAt: isoOf(r.created_at),
  };
}

/** Data sources of one agent, oldest first. */
export async function listDataSources(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return (await findDataSources(db, workspaceId, agentId)).map(presentDataSource);
}
