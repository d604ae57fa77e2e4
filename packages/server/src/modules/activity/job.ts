import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../auth/principal';
import type { CommandRuntime } from '../../command/command';
import type { DB } from '../../db/schema';
import { purgeAll } from './retention';

/** A periodic purge: `start` schedules it, `stop` cancels it and waits for a run in progress. */
export interface PurgeJob {
  start(): void;
  stop(): Promise<void>;
  /** One run now (skipped when one is already running); resolves with the entries purged. */
  runOnce(): Promise<number>;
}

/**
 * The retention purge of every workspace, run every `intervalMs` (issue 6,
 * "Retention … automatically from a periodic job"). Several instances may
 * run it at once: purges of one chain serialise on the chain's advisory lock
 * and the later one finds nothing left to delete. Failures are logged, never
 * thrown: the next run tries again.
 */
export function createPurgeJob(
  target: CommandRuntime | Kysely<DB>,
  log: FastifyBaseLogger,
  intervalMs: number,
): PurgeJob {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  const runOnce = (): Promise<number> => {
    if (running) return running;
    running = purgeAll(target, SYSTEM_ACTOR, (workspaceId, err) =>
      log.error({ err, workspaceId }, 'activity purge failed'),
    )
      .then((results) => {
        const purged = results.reduce((n, r) => n + r.purged, 0);
        if (purged > 0) log.info({ purged, workspaces: results.length }, 'activity purge');
        return purged;
      })
      .catch((err: unknown) => {
        log.error({ err }, 'activity purge failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    start() {
      if (timer || intervalMs <= 0) return;
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
 * Starts the purge job with the app (when it is ready) and stops it on close,
 * before the database closes. `ACTIVITY_PURGE_INTERVAL_MINUTES=0` turns it off.
 */
export function startPurgeJob(app: FastifyInstance): void {
  const minutes = app.config.activityPurgeIntervalMinutes;
  if (!minutes) return;
  const job = createPurgeJob(app.commands, app.log, minutes * 60_000);
  app.addHook('onReady', async () => job.start());
  app.addHook('onClose', async () => job.stop());
}
