import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { chainHead, chainKey, GLOBAL_CHAIN } from '../../audit/record';
import { chainsWithEntries, lastSeal, type SealKey, sealChain } from '../../audit/seal';
import type { DB } from '../../db/schema';

/** A chain is sealed once its head is this many entries past its last seal. */
export const SEAL_EVERY_ENTRIES = 1000;

/** How often the job looks for chains to seal. */
const TICK_MS = 60_000;

export interface SealJob {
  start(): void;
  stop(): Promise<void>;
  /** One run now (joins a run in progress); resolves with the chains sealed. */
  runOnce(): Promise<number>;
}

/**
 * Seals chains' heads (docs/audit.md "Signed seals"): every minute, each
 * chain whose head is ≥ 1,000 entries past its last seal, or that has
 * entries newer than a last seal older than `sealMinutes`, gets a new seal.
 * A chain that was never sealed counts from its first entry's time.
 *
 * Chains with new entries are found by `activity_log.id` above the last id
 * this job saw (the first run scans; each run looks back one run, for
 * transactions that committed late); a chain seen but not yet due stays
 * pending in memory until it is sealed. Several instances may run it: seals
 * of one chain serialise on the chain's lock and the (chain, seq) index.
 */
export function createSealJob(
  db: Kysely<DB>,
  key: SealKey,
  log: FastifyBaseLogger,
  options: { sealMinutes: number; intervalMs?: number; now?: () => number },
): SealJob {
  const intervalMs = options.intervalMs ?? TICK_MS;
  const now = options.now ?? Date.now;
  // The highest activity_log id at the last run, and at the run before it.
  // Each run scans above the older one: an entry whose id was taken before a
  // run but committed just after it is still found by the next run.
  let lastSeenId = 0;
  let olderSeenId = 0;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function due(ws: string | null): Promise<'sealed' | 'due' | 'later'> {
    const head = await chainHead(db, ws);
    const last = await lastSeal(db, ws);
    const sealedSeq = last?.seq ?? 0;
    if (head.seq <= sealedSeq) return 'sealed';
    if (head.seq - sealedSeq >= SEAL_EVERY_ENTRIES) return 'due';
    let since = last?.createdAt;
    if (!since) {
      const first = await db
        .selectFrom('activity_log')
        .select('created_at')
        .where(chainKey(), '=', ws ?? GLOBAL_CHAIN)
        .orderBy(chainKey())
        .orderBy('seq', 'asc')
        .limit(1)
        .executeTakeFirst();
      since = first?.created_at;
    }
    if (!since) return 'later';
    return now() - since.getTime() >= options.sealMinutes * 60_000 ? 'due' : 'later';
  }

  async function run(): Promise<number> {
    const top = await sql<{ max: string | number | null }>`SELECT max(id) AS max FROM activity_log`.execute(
      db,
    );
    const maxId = Number(top.rows[0]?.max ?? 0);
    if (maxId > olderSeenId) {
      for (const ws of await chainsWithEntries(db, olderSeenId)) pending.add(ws ?? GLOBAL_CHAIN);
    }
    olderSeenId = lastSeenId;
    lastSeenId = maxId;
    let sealed = 0;
    for (const chain of [...pending]) {
      const ws = chain === GLOBAL_CHAIN ? null : chain;
      try {
        const state = await due(ws);
        if (state === 'sealed') pending.delete(chain);
        if (state !== 'due') continue;
        const seal = await sealChain(db, key, ws);
        if (seal) sealed++;
        // New entries after the seal come back through lastSeenId.
        pending.delete(chain);
      } catch (err) {
        log.error({ err, workspaceId: ws }, 'activity seal failed');
      }
    }
    if (sealed > 0) log.info({ sealed, keyId: key.keyId }, 'activity chains sealed');
    return sealed;
  }

  const runOnce = (): Promise<number> => {
    if (running) return running;
    running = run()
      .catch((err: unknown) => {
        log.error({ err }, 'activity seal failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void runOnce(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
    runOnce,
  };
}

/**
 * Starts the seal job with the app (when it is ready) and stops it on close,
 * before the database closes. Warns when the key is ephemeral (development
 * without `ATRIUM_AUDIT_SIGNING_KEY`): its seals cannot be verified after a restart.
 */
export function startSealJob(app: FastifyInstance): void {
  const { auditSigningKey: key, auditSigningKeyEphemeral, auditSealMinutes } = app.config;
  if (auditSigningKeyEphemeral) {
    app.log.warn(
      { keyId: key.keyId },
      'ATRIUM_AUDIT_SIGNING_KEY is not set: activity seals are signed with a key generated at start, which no later start can verify',
    );
  }
  const job = createSealJob(app.db, key, app.log, { sealMinutes: auditSealMinutes });
  app.addHook('onReady', async () => job.start());
  app.addHook('onClose', async () => job.stop());
}
