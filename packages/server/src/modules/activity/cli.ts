import type { Kysely } from 'kysely';
import { chainsWithEntries, type SealKey, sealChain } from '../../audit/seal';
import { SYSTEM_ACTOR } from '../../auth/principal';
import type { DB } from '../../db/schema';
import { purgeAll } from './retention';
import { type VerifyOptions, type VerifyReport, verifyChain } from './verify';

export const AUDIT_HELP = `Usage: atrium audit <command>

Commands:
  verify --workspace <id>   verify a workspace's activity-log hash chain
  verify --global           verify the chain of account-level events (sign-ins, …)
  verify --all              verify every chain (each workspace that has entries, and the global one)
  seal                      seal the head of every chain now (signed with ATRIUM_AUDIT_SIGNING_KEY)
  purge                     purge every workspace's entries older than its retention period
Options:
  --json                    print the report as JSON
  --head <seq>:<hash>       with verify --workspace or --global: the head you kept elsewhere
                            (the last published head); missing or different is not intact

Exit status: 0 intact, 1 broken chain (the first bad entry is named), 2 usage error.
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HEAD = /^(\d{1,15}):([0-9a-f]{64})$/i;

/** The seal key from the configuration; `ephemeral` when it was generated at start (development). */
export interface AuditSigning {
  key: SealKey;
  ephemeral: boolean;
}

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
    const s = report.seals;
    const seals =
      s.count === 0
        ? 'no seals'
        : `${s.verified} of ${s.count} seal(s) verified${s.lastSeq === null ? '' : `, last at seq ${s.lastSeq}`}${s.unverifiable ? `, ${s.unverifiable} by another key` : ''}`;
    return `atrium: activity log of ${chain} is intact (${range}${from}); head hash ${report.lastHash ?? '—'}; ${seals}`;
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
export async function auditCommand(
  args: string[],
  db: Kysely<DB>,
  io: AuditOutput,
  signing: AuditSigning | null = null,
): Promise<number> {
  const [sub, ...rest] = args;
  const asJson = rest.includes('--json');
  let options = rest.filter((a) => a !== '--json');
  const verifyOptions: VerifyOptions = { sealKey: signing?.key ?? null };
  const headAt = options.indexOf('--head');
  if (sub === 'verify' && headAt >= 0) {
    const match = HEAD.exec(options[headAt + 1] ?? '');
    if (!match) {
      io.err(
        `atrium audit verify: --head takes <seq>:<hash> (the hash is 64 hex characters)\n\n${AUDIT_HELP}`,
      );
      return 2;
    }
    verifyOptions.head = { seq: Number(match[1]), hash: (match[2] ?? '').toLowerCase() };
    options = options.filter((_, i) => i !== headAt && i !== headAt + 1);
  }
  if (sub === 'verify') {
    if (options.length === 1 && options[0] === '--all' && !verifyOptions.head) {
      return verifyAll(db, io, asJson, verifyOptions);
    }
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
    const report = await verifyChain(db, workspaceId, verifyOptions);
    io.out(asJson ? JSON.stringify(report) : describe(report));
    return report.intact ? 0 : 1;
  }
  if (sub === 'seal' && options.length === 0) return sealAll(db, io, asJson, signing);
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
async function verifyAll(
  db: Kysely<DB>,
  io: AuditOutput,
  asJson: boolean,
  options: VerifyOptions,
): Promise<number> {
  const chains = new Set<string | null>();
  for (const table of ['activity_log', 'activity_checkpoints'] as const) {
    const rows = await db.selectFrom(table).select('workspace_id').distinct().execute();
    for (const r of rows) chains.add(r.workspace_id);
  }
  let broken = 0;
  for (const ws of [...chains].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
    const report = await verifyChain(db, ws, options);
    if (!report.intact) broken++;
    io.out(asJson ? JSON.stringify(report) : describe(report));
  }
  if (!asJson) io.out(`atrium: ${chains.size} chain(s) verified, ${broken} broken`);
  return broken ? 1 : 0;
}

/**
 * `atrium audit seal`: seals every chain's head now (docs/audit.md "Signed
 * seals"). Refuses a key generated at start: nothing could verify its seals later.
 */
async function sealAll(
  db: Kysely<DB>,
  io: AuditOutput,
  asJson: boolean,
  signing: AuditSigning | null,
): Promise<number> {
  if (!signing || signing.ephemeral) {
    io.err(
      'atrium audit seal: ATRIUM_AUDIT_SIGNING_KEY is not set; seals signed with a throwaway key could never be verified',
    );
    return 2;
  }
  const sealed: { workspaceId: string | null; seq: number; hash: string }[] = [];
  const chains = await chainsWithEntries(db);
  for (const ws of chains) {
    const seal = await sealChain(db, signing.key, ws);
    if (seal) sealed.push({ workspaceId: ws, ...seal });
  }
  io.out(
    asJson
      ? JSON.stringify({ keyId: signing.key.keyId, sealed })
      : `atrium: sealed ${sealed.length} of ${chains.length} chain(s) with key ${signing.key.keyId} (the others were already sealed at their head)`,
  );
  return 0;
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
