import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../auth/principal';
import type { DB } from '../../db/schema';
import { purgeAll } from './retention';
import { type VerifyReport, verifyChain } from './verify';

export const AUDIT_HELP = `Usage: atrium audit <command>

Commands:
  verify --workspace <id>   verify a workspace's activity-log hash chain
  verify --global           verify the chain of account-level events (sign-ins, …)
  verify --all              verify every chain (each workspace that has entries, and the global one)
  purge                     purge every workspace's entries older than its retention period
Options:
  --json                    print the report as JSON

Exit status: 0 intact, 1 broken chain (the first bad entry is named), 2 usage error.
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where the command writes; the real CLI passes console.log and console.error. */
export interface AuditOutput {
  out(line: string): void;
  err(line: string): void;
}

function describe(report: VerifyReport): string {
  const chain = report.workspaceId === null ? 'the global chain' : `workspace ${report.workspaceId}`;
  if (report.intact) {
    const range =
      report.checked === 0
        ? 'no entries'
        : `${report.checked} entries, seq ${report.firstSeq}–${report.lastSeq}`;
    const from = report.checkpoint ? `, from the purge checkpoint at seq ${report.checkpoint.seq}` : '';
    return `atrium: activity log of ${chain} is intact (${range}${from}); head hash ${report.lastHash ?? '—'}`;
  }
  const bad = report.firstBad;
  return `atrium: activity log of ${chain} is BROKEN at seq ${bad?.seq} (entry ${bad?.id ?? 'none'}): ${bad?.reason} — ${bad?.detail}`;
}

/**
 * `atrium audit …` (issue 6: "`atrium audit verify --workspace` reports the
 * chain as intact or names the first bad entry"). Returns the exit status.
 *
 * @example
 * ```ts
 * const code = await auditCommand(['verify', '--workspace', id], db, { out: console.log, err: console.error });
 * ```
 */
export async function auditCommand(args: string[], db: Kysely<DB>, io: AuditOutput): Promise<number> {
  const [sub, ...rest] = args;
  const asJson = rest.includes('--json');
  const options = rest.filter((a) => a !== '--json');
  if (sub === 'verify') {
    if (options.length === 1 && options[0] === '--all') return verifyAll(db, io, asJson);
    let workspaceId: string | null;
    if (options.length === 1 && options[0] === '--global') workspaceId = null;
    else if (options.length === 2 && options[0] === '--workspace' && UUID.test(options[1] ?? '')) {
      workspaceId = (options[1] ?? '').toLowerCase();
    } else {
      io.err(`atrium audit verify: give --workspace <uuid>, --global or --all\n\n${AUDIT_HELP}`);
      return 2;
    }
    if (workspaceId !== null && !(await chainExists(db, workspaceId))) {
      io.err(`atrium audit verify: no workspace ${workspaceId} and no activity recorded for it`);
      return 2;
    }
    const report = await verifyChain(db, workspaceId);
    io.out(asJson ? JSON.stringify(report) : describe(report));
    return report.intact ? 0 : 1;
  }
  if (sub === 'purge' && options.length === 0) {
    let failed = 0;
    const results = await purgeAll(db, SYSTEM_ACTOR, (ws, err) => {
      failed++;
      io.err(
        `atrium audit purge: workspace ${ws} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    const purged = results.reduce((n, r) => n + r.purged, 0);
    io.out(
      asJson
        ? JSON.stringify({ results })
        : `atrium: purged ${purged} entr${purged === 1 ? 'y' : 'ies'} in ${results.length} workspace(s) with a retention period`,
    );
    return failed ? 1 : 0;
  }
  io.err(AUDIT_HELP);
  return sub === undefined || sub === '--help' || sub === 'help' ? 0 : 2;
}

/** Every chain with entries or a checkpoint, one line (or JSON report) each; exit 1 if any is broken. */
async function verifyAll(db: Kysely<DB>, io: AuditOutput, asJson: boolean): Promise<number> {
  const chains = new Set<string | null>();
  for (const table of ['activity_log', 'activity_checkpoints'] as const) {
    const rows = await db.selectFrom(table).select('workspace_id').distinct().execute();
    for (const r of rows) chains.add(r.workspace_id);
  }
  let broken = 0;
  for (const ws of [...chains].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
    const report = await verifyChain(db, ws);
    if (!report.intact) broken++;
    io.out(asJson ? JSON.stringify(report) : describe(report));
  }
  if (!asJson) io.out(`atrium: ${chains.size} chain(s) verified, ${broken} broken`);
  return broken ? 1 : 0;
}

/** A workspace exists, or did and left entries (the log outlives deleted workspaces). */
async function chainExists(db: Kysely<DB>, workspaceId: string): Promise<boolean> {
  const ws = await db.selectFrom('workspaces').select('id').where('id', '=', workspaceId).executeTakeFirst();
  if (ws) return true;
  const entry = await db
    .selectFrom('activity_log')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  if (entry) return true;
  const checkpoint = await db
    .selectFrom('activity_checkpoints')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  return Boolean(checkpoint);
}
