import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../auth/principal';
import { purgeAll } from './retention';

/** Minutes between automatic purges when the configuration does not say. */
export const DEFAULT_PURGE_INTERVAL_MINUTES = 60;

/**
 * Runs the retention purge of every workspace periodically (issue 6,
 * "Retention … automatically from a periodic job"): started when the app is
 * ready, stopped on close (waiting for a purge in progress, so the database
 * is not closed under it). Several instances may run it at once: purges of
 * one chain serialise on its advisory lock and the later one finds nothing.
 * `ACTIVITY_PURGE_INTERVAL_MINUTES=0` turns it off.
 */
export function startPurgeJob(app: FastifyInstance): void {
  const configured = (app.config as { activityPurgeIntervalMinutes?: number }).activityPurgeIntervalMinutes;
  const minutes = configured ?? DEFAULT_PURGE_INTERVAL_MINUTES;
  if (minutes <= 0) return;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = purgeAll(app.db, SYSTEM_ACTOR, (workspaceId, err) =>
      app.log.error({ err, workspaceId }, 'activity purge failed'),
    )
      .then((results) => {
        const purged = results.reduce((n, r) => n + r.purged, 0);
        if (purged > 0) app.log.info({ purged, workspaces: results.length }, 'activity purge');
      })
      .catch((err: unknown) => app.log.error({ err }, 'activity purge failed'))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, minutes * 60_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await running;
  });
}
