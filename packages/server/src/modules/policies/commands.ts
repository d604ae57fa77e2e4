import { isPermission, NAMED_POLICIES } from '@atrium/policy';
import { defineCommand } from '../../command/command';
import { type FieldIssue, notFound, validationFailed } from '../../errors';
import { getPolicies } from './queries';
import { type Level, replaceCaps, saveNamedPolicies } from './repo';

export interface PoliciesInput {
  named: string[];
  caps: { permission: string; maxLevel: Level; agentId?: string | null }[];
}

/**
 * Replaces the workspace's policies (workspace.manage). The permission engine
 * enforces them on every decision through `capsFromPolicies` (caps bind
 * everyone but workspace admins, agent admins included). An agent id of
 * another workspace answers 404. Run by the command wrapper, which holds the
 * workspace lock and bumps the revision.
 */
export const setPolicies = defineCommand({
  name: 'policies.set',
  actions: ['policies.updated'],
  async run(ctx, input: PoliciesInput): Promise<void> {
    const state = ctx.state;
    if (!state) throw new Error('policies.set runs in a workspace scope');
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
    const before = await getPolicies(ctx.tx, state.workspaceId, state.revision);
    await saveNamedPolicies(ctx.tx, state.workspaceId, named);
    await replaceCaps(ctx.tx, state.workspaceId, input.caps);
    await ctx.record({
      action: 'policies.updated',
      target: { type: 'policies', id: state.workspaceId },
      before: { named: before.named, caps: before.caps.map(({ id: _id, ...c }) => c) },
      after: { named, caps: input.caps.map((c) => ({ ...c, agentId: c.agentId ?? null })) },
    });
  },
});
