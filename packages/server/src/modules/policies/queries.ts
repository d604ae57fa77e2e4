import { NAMED_POLICIES, type NamedPolicy } from '@atrium/policy';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { findCaps, findNamedPolicies, type Level } from './repo';

/** A workspace's policies as the API shows them (docs/rules.md §3 "Policies"). */
export interface PoliciesView {
  named: NamedPolicy[];
  caps: { id: string; permission: string; maxLevel: Level; agentId: string | null }[];
  revision: number;
}

/** The workspace's named policies and generic caps, with the revision they were read at. */
export async function getPolicies(
  db: Kysely<DB>,
  workspaceId: string,
  revision: number,
): Promise<PoliciesView> {
  const [stored, caps] = await Promise.all([findNamedPolicies(db, workspaceId), findCaps(db, workspaceId)]);
  const named = stored.filter((n): n is NamedPolicy => (NAMED_POLICIES as readonly string[]).includes(n));
  return {
    named,
    caps: caps.map((c) => ({
      id: c.id,
      permission: c.permission,
      maxLevel: c.max_level,
      agentId: c.agent_id,
    })),
    revision,
  };
}
