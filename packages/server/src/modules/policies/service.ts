import { isPermission, NAMED_POLICIES, type NamedPolicy, type WorkspaceState } from '@atrium/policy';
import { type Kysely, sql } from 'kysely';
import { recordActivity } from '../../audit/record';
import { bumpRevision } from '../../command/revision';
import type { DB } from '../../db/schema';
import { type FieldIssue, notFound, validationFailed } from '../../errors';
import { inTransaction, lockWorkspace, type WriteContext } from '../workspaces/common';

type Level = 'none' | 'read' | 'edit';

/** A workspace's policies as the API shows them (SPEC §3 "Policies"). */
export interface PoliciesView {
  named: NamedPolicy[];
  caps: { id: string; permission: string; maxLevel: Level; agentId: string | null }[];
  revision: number;
}

/** The workspace's named policies and generic caps. */
export async function getPolicies(
  db: Kysely<DB>,
  workspaceId: string,
  revision: number,
): Promise<PoliciesView> {
  const [row, caps] = await Promise.all([
    db
      .selectFrom('workspace_policies')
      .select('named')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst(),
    db
      .selectFrom('policy_caps')
      .select(['id', 'permission', 'max_level', 'agent_id'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  const named = ((row?.named ?? []) as string[]).filter((n): n is NamedPolicy =>
    (NAMED_POLICIES as readonly string[]).includes(n),
  );
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

export interface PoliciesInput {
  named: string[];
  caps: { permission: string; maxLevel: Level; agentId?: string | null }[];
}

/**
 * Replaces the workspace's policies (workspace.manage). The permission engine
 * enforces them on every decision through `capsFromPolicies` (caps bind
 * everyone but workspace admins, agent admins included). An agent id of
 * another workspace answers 404.
 */
export async function setPolicies(
  db: Kysely<DB>,
  state: WorkspaceState,
  input: PoliciesInput,
  ctx: WriteContext,
): Promise<{ revision: number }> {
  const issues: FieldIssue[] = [];
  input.named.forEach((n, i) => {
    if (!(NAMED_POLICIES as readonly string[]).includes(n)) {
      issues.push({ path: `/body/named/${i}`, message: `unknown policy "${n}"`, valid: NAMED_POLICIES });
    }
  });
  input.caps.forEach((c, i) => {
    if (!isPermission(c.permission))
      issues.push({ path: `/body/caps/${i}/permission`, message: `unknown permission "${c.permission}"` });
  });
  if (issues.length > 0) throw validationFailed(issues);
  for (const c of input.caps) {
    if (c.agentId != null && !state.agents.has(c.agentId)) throw notFound('agent');
  }
  const named = [...new Set(input.named)];
  return inTransaction(db, async (tx) => {
    await lockWorkspace(tx, state.workspaceId);
    const before = await getPolicies(tx, state.workspaceId, state.revision);
    await tx
      .insertInto('workspace_policies')
      .values({ workspace_id: state.workspaceId, named: JSON.stringify(named) })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ named: JSON.stringify(named), updated_at: sql`now()` }),
      )
      .execute();
    await tx.deleteFrom('policy_caps').where('workspace_id', '=', state.workspaceId).execute();
    if (input.caps.length > 0) {
      await tx
        .insertInto('policy_caps')
        .values(
          input.caps.map((c) => ({
            workspace_id: state.workspaceId,
            permission: c.permission,
            max_level: c.maxLevel,
            agent_id: c.agentId ?? null,
          })),
        )
        .execute();
    }
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'policies.updated',
      target: { type: 'policies', id: state.workspaceId },
      before: { named: before.named, caps: before.caps.map(({ id: _id, ...c }) => c) },
      after: { named, caps: input.caps.map((c) => ({ ...c, agentId: c.agentId ?? null })) },
      origin: ctx.origin,
    });
    return { revision: await bumpRevision(tx, state.workspaceId) };
  });
}
