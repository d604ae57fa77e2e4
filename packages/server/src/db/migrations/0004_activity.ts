import type { Migration } from '../migrate';

/**
 * Activity log, part two (issue 6, docs/rules.md §5): search indexes, per-workspace
 * retention, purge checkpoints, and a controlled exception to the
 * append-only trigger so that retention can delete old entries.
 *
 * The trigger from 0001 refuses every UPDATE, DELETE and TRUNCATE. It now
 * lets a DELETE through only when both hold:
 *   1. the transaction set `atrium.purge = 'on'` (SET LOCAL, so it cannot
 *      leak to another transaction on a pooled connection), and
 *   2. a checkpoint already covers the row: `activity_checkpoints` holds a
 *      row for the same chain with `seq >= OLD.seq`.
 * So even the purge can only remove a prefix of a chain whose end it has
 * first sealed in an (insert-only) checkpoint; the rest stays verifiable from
 * that checkpoint's hash. UPDATE and TRUNCATE stay refused, always.
 */
export const migration: Migration = {
  name: '0004_activity',
  statements: [
    // Search: each filter has an index ending in id, so a filtered page is an
    // index range scan in keyset order (newest first), whatever the depth.
    `CREATE INDEX activity_log_ws_action_idx ON activity_log (workspace_id, action, id DESC)`,
    `CREATE INDEX activity_log_ws_actor_idx ON activity_log (workspace_id, actor_id, id DESC)`,
    `CREATE INDEX activity_log_ws_target_idx ON activity_log (workspace_id, target_type, target_id, id DESC)`,
    `CREATE INDEX activity_log_ws_agent_idx ON activity_log (workspace_id, agent_id, id DESC) WHERE agent_id IS NOT NULL`,
    // Time ranges are turned into id bounds with this index, and purge finds its cut-off with it.
    `CREATE INDEX activity_log_ws_created_idx ON activity_log (workspace_id, created_at, id)`,
    // Account-level events (workspace_id null) a user sees on /v1/me/activity: as target.
    `CREATE INDEX activity_log_global_target_idx ON activity_log (target_id, id DESC) WHERE workspace_id IS NULL`,

    `CREATE TABLE activity_settings (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      retention_days integer CHECK (retention_days IS NULL OR retention_days BETWEEN 1 AND 36500),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,

    // Where a chain now starts after a purge: the seq and hash of the last
    // purged entry. No foreign key, like the log itself. Insert-only.
    `CREATE TABLE activity_checkpoints (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      workspace_id uuid,
      seq bigint NOT NULL,
      hash text NOT NULL,
      purged_count bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX activity_checkpoints_chain_idx ON activity_checkpoints (coalesce(workspace_id, '00000000-0000-0000-0000-000000000000'::uuid), seq)`,
    `CREATE FUNCTION activity_checkpoints_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'activity_checkpoints is insert-only' USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
    `CREATE TRIGGER activity_checkpoints_no_update BEFORE UPDATE OR DELETE ON activity_checkpoints
      FOR EACH ROW EXECUTE FUNCTION activity_checkpoints_insert_only()`,
    `CREATE TRIGGER activity_checkpoints_no_truncate BEFORE TRUNCATE ON activity_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION activity_checkpoints_insert_only()`,

    `CREATE OR REPLACE FUNCTION activity_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
          AND current_setting('atrium.purge', true) = 'on'
          AND EXISTS (
            SELECT 1 FROM activity_checkpoints c
            WHERE coalesce(c.workspace_id, '00000000-0000-0000-0000-000000000000'::uuid)
                = coalesce(OLD.workspace_id, '00000000-0000-0000-0000-000000000000'::uuid)
              AND c.seq >= OLD.seq
          )
        THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'activity_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
  ],
};
