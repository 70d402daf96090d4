import type { Logger } from '#lib/runtime/logger.ts';
import type { AlertRouter } from './router-service.ts';

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * startSelfTick ticks a replica of a pair every `intervalMs` (the cron-connector's tick reaches only one replica
 * through the gateway), one tick at a time, each bounded by `deadlineMs`. It returns the stop.
 */
export function startSelfTick(
  router: Pick<AlertRouter, 'routing' | 'tick'>,
  options: { intervalMs: number; deadlineMs: number; now: () => number; log?: Logger },
): () => void {
  let ticking = false;
  const log = options.log;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    router
      .routing()
      .then(() =>
        router.tick(options.now(), {
          signal: AbortSignal.timeout(options.deadlineMs),
          log: log ?? (silentLog as unknown as Logger),
        }),
      )
      .catch((err) => log?.warn({ err }, 'self tick failed'))
      .finally(() => (ticking = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
