import type { Migration } from '../migrate';

/**
 * API keys are bound to the person who created them (issue 14, "Keys outlive
 * their creator"; docs/rules.md §4 "API keys"): a key works only while its
 * creator (`created_by`) is an admin of its workspace, unless an admin has
 * transferred it to the workspace as a service key (`service_key`).
 *
 * Existing keys stay user keys: a key whose creator has already left, been
 * demoted or been deleted stops working after the upgrade (docs/security.md
 * explains how to find and transfer them).
 */
export const migration: Migration = {
  name: '0007_api_key_owner',
  statements: [`ALTER TABLE api_keys ADD COLUMN service_key boolean NOT NULL DEFAULT false`],
};
