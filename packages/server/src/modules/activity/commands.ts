import { latestCheckpoint, lockChain } from '../../audit/record';
import { type CommandContext, defineCommand } from '../../command/command';
import { deletePrefix, findRetention, purgeablePrefix, upsertRetention } from './retention-repo';

/**
 * The activity log's own commands (docs/rules.md §5): retention changes,
 * purges, and the record of an export. Verification only reads.
 */

const DAY_MS = 86_400_000;

function workspaceOf(ctx: CommandContext): string {
  if (!ctx.workspaceId) throw new Error('activity commands run in a workspace scope');
  return ctx.workspaceId;
}

/** Sets the retention period (null = keep forever); returns the period now in force. */
export const setRetention = defineCommand({
  name: 'activity.set_retention',
  actions: ['activity.retention_updated'],
  async run(ctx, { days }: { days: number | null }) {
    const ws = workspaceOf(ctx);
    const current = await findRetention(ctx.tx, ws, true);
    await upsertRetention(ctx.tx, ws, days);
    await ctx.record({
      action: 'activity.retention_updated',
      target: { type: 'workspace', id: ws },
      before: { retentionDays: current },
      after: { retentionDays: days },
    });
    return { retentionDays: days };
  },
});

/** What a purge did. */
export interface PurgeResult {
  workspaceId: string;
  retentionDays: number | null;
  /** Entries deleted. */
  purged: number;
  /** Entries created before this were eligible; null when no retention is set. */
  cutoff: string | null;
  /** Where the chain now starts (the last purged entry); null when nothing was purged. */
  checkpoint: { seq: number; hash: string } | null;
}

/**
 * Deletes a workspace's entries older than its retention period while
 * keeping the rest verifiable (docs/rules.md §5, issue 6 "Retention"). Holding
 * the chain's append lock:
 *
 * 1. finds the longest prefix of the chain whose entries are all older than
 *    the cut-off (a prefix, so the chain stays one unbroken run);
 * 2. records a checkpoint: the seq and hash of the last entry of that prefix;
 * 3. deletes the prefix (retention-repo.ts `deletePrefix`);
 * 4. appends an `activity.purged` entry naming the checkpoint, which the
 *    verifier requires, so a checkpoint forged without it is detected.
 *
 * With `recordWhenEmpty` (the HTTP route, which must always leave its entry)
 * a purge that deletes nothing is recorded too; the periodic job passes false
 * so an idle workspace does not fill its log with empty purges. No workspace
 * lock: the chain lock serialises purges, and the log outlives its workspace.
 */
export const purgeActivity = defineCommand({
  name: 'activity.purge',
  actions: ['activity.purged'],
  lockWorkspace: false,
  async run(ctx, input: { now?: Date; recordWhenEmpty: boolean }): Promise<PurgeResult> {
    const ws = workspaceOf(ctx).toLowerCase();
    await lockChain(ctx.tx, ws);
    const days = await findRetention(ctx.tx, ws);
    const result: PurgeResult = {
      workspaceId: ws,
      retentionDays: days,
      purged: 0,
      cutoff: null,
      checkpoint: null,
    };
    if (days !== null) {
      const cutoff = new Date((input.now ?? new Date()).getTime() - days * DAY_MS);
      result.cutoff = cutoff.toISOString();
      const through = await purgeablePrefix(ctx.tx, ws, cutoff);
      const previous = await latestCheckpoint(ctx.tx, ws);
      if (through > (previous?.seq ?? 0)) {
        const { hash, purged } = await deletePrefix(ctx.tx, ws, through);
        result.purged = purged;
        result.checkpoint = { seq: through, hash };
      }
    }
    if (result.purged > 0 || input.recordWhenEmpty) {
      await ctx.record({
        workspaceId: ws,
        action: 'activity.purged',
        target: { type: 'workspace', id: ws },
        after: {
          purged: result.purged,
          retentionDays: days,
          cutoff: result.cutoff,
          throughSeq: result.checkpoint?.seq ?? null,
          checkpointHash: result.checkpoint?.hash ?? null,
        },
      });
    }
    return result;
  },
});

/** Reading the audit trail out of Atrium is itself worth auditing: records an export before it streams. */
export const recordExport = defineCommand({
  name: 'activity.export',
  actions: ['activity.exported'],
  lockWorkspace: false,
  async run(ctx, { format, filters }: { format: string; filters: Record<string, unknown> }) {
    const ws = workspaceOf(ctx);
    await ctx.record({
      action: 'activity.exported',
      target: { type: 'workspace', id: ws },
      after: { format, filters },
    });
  },
});
