import type { Migration } from '../migrate';

/**
 * Signed seals of the activity chains' heads (issue 14, "A chain an insider
 * can rewrite"; docs/audit.md "Signed seals"). Each row is an Ed25519
 * signature, by a key kept in the server's configuration and never in the
 * database, over one chain's seq and hash. Insert-only, like the purge
 * checkpoints: one seal per (chain, seq), the global chain keyed by the nil uuid.
 */
export const migration: Migration = {
  name: '0008_activity_seals',
  statements: [
    `CREATE TABLE activity_seals (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      workspace_id uuid,
      seq bigint NOT NULL,
      hash text NOT NULL,
      key_id text NOT NULL,
      signature text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX activity_seals_chain_idx ON activity_seals (coalesce(workspace_id, '00000000-0000-0000-0000-000000000000'::uuid), seq)`,
    `CREATE FUNCTION activity_seals_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'activity_seals is insert-only' USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
    `CREATE TRIGGER activity_seals_no_update BEFORE UPDATE OR DELETE ON activity_seals
      FOR EACH ROW EXECUTE FUNCTION activity_seals_insert_only()`,
    `CREATE TRIGGER activity_seals_no_truncate BEFORE TRUNCATE ON activity_seals
      FOR EACH STATEMENT EXECUTE FUNCTION activity_seals_insert_only()`,
  ],
};
