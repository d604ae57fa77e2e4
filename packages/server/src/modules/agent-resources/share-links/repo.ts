import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../db/schema';

/** Every statement on `share_links`; each names the workspace and the agent (or the slug, for the widget). */

/** Share links of one agent, oldest first. */
export function findShareLinks(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return db
    .selectFrom('share_links')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export type ShareLinkRow = Awaited<ReturnType<typeof findShareLinks>>[number];

/** One share link of the agent. */
export function findShareLink(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<ShareLinkRow | undefined> {
  return db
    .selectFrom('share_links')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
}

export function insertShareLink(
  tx: Transaction<DB>,
  values: {
    workspaceId: string;
    agentId: string;
    name: string;
    slug: string;
    authorizedDomains: string[];
    createdBy: string | null;
  },
): Promise<ShareLinkRow> {
  return tx
    .insertInto('share_links')
    .values({
      workspace_id: values.workspaceId,
      agent_id: values.agentId,
      name: values.name,
      slug: values.slug,
      authorized_domains: JSON.stringify(values.authorizedDomains),
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateShareLinkRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  patch: { name?: string; authorizedDomains?: string[]; enabled?: boolean },
): Promise<ShareLinkRow> {
  return tx
    .updateTable('share_links')
    .set({
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.authorizedDomains ? { authorized_domains: JSON.stringify(patch.authorizedDomains) } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteShareLinkRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
): Promise<void> {
  await tx.deleteFrom('share_links').where('id', '=', id).where('workspace_id', '=', workspaceId).execute();
}

/** The link behind a widget slug, with its agent's name and status (any workspace: the slug is the key). */
export function findWidgetLink(db: Kysely<DB>, slug: string) {
  return db
    .selectFrom('share_links')
    .innerJoin('agents', (j) =>
      j
        .onRef('agents.id', '=', 'share_links.agent_id')
        .onRef('agents.workspace_id', '=', 'share_links.workspace_id'),
    )
    .select([
      'share_links.workspace_id',
      'share_links.agent_id',
      'share_links.name as link_name',
      'share_links.authorized_domains',
      'share_links.enabled',
      'agents.name as agent_name',
      'agents.status',
    ])
    .where('share_links.slug', '=', slug)
    .executeTakeFirst();
}
