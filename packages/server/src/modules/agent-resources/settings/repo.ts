import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../db/schema';

/** Every statement on `agent_settings`; each names the workspace and the agent. */

/** The settings row of an agent, if anyone saved settings yet. */
export function findSettingsRow(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return db
    .selectFrom('agent_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
}

export type SettingsRow = NonNullable<Awaited<ReturnType<typeof findSettingsRow>>>;

/**
 * Creates the settings row if missing and locks it until the transaction
 * ends, so two concurrent edits of one group cannot lose each other's fields.
 */
export async function lockSettingsRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  userId: string | null,
): Promise<void> {
  await tx
    .insertInto('agent_settings')
    .values({ agent_id: agentId, workspace_id: workspaceId, branding: '{}', updated_by: userId })
    .onConflict((oc) => oc.column('agent_id').doNothing())
    .execute();
  await sql`SELECT 1 FROM agent_settings WHERE agent_id = ${agentId} AND workspace_id = ${workspaceId} FOR UPDATE`.execute(
    tx,
  );
}

/** The stored values of an agent's settings. */
export interface SettingsValues {
  persona: string;
  branding: { primaryColor: string; accentColor: string; logoUrl: string | null };
  retentionDays: number;
  piiRedaction: boolean;
  updatedBy: string | null;
}

/** Overwrites the (locked) settings row of an agent. */
export async function writeSettingsRow(
  tx: Transaction<DB>,
  workspaceId: string,
  agentId: string,
  values: SettingsValues,
): Promise<void> {
  await tx
    .updateTable('agent_settings')
    .set({
      persona: values.persona,
      branding: JSON.stringify(values.branding),
      retention_days: values.retentionDays,
      pii_redaction: values.piiRedaction,
      updated_by: values.updatedBy,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .execute();
}
