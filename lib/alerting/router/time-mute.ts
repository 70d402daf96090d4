import type { AlertmanagerConfig, RouteNode } from '../config/alertmanager-config.ts';
import { intervalContains, nextChange } from '../config/time-intervals.ts';

/**
 * timeMute says whether a route is silent at `at` because of its mute_time_intervals, or because it has
 * active_time_intervals and none contains `at`; `until` is when that ends (the next minute the state flips).
 */
export function timeMute(
  config: AlertmanagerConfig,
  route: RouteNode,
  at: number,
): { interval: string; until?: number } | undefined {
  for (const name of route.muteTimeIntervals) {
    const specs = config.timeIntervals.get(name) ?? [];
    if (intervalContains(specs, at)) {
      const until = nextChange(specs, at);
      return until === undefined ? { interval: name } : { interval: name, until };
    }
  }
  if (
    route.activeTimeIntervals.length > 0 &&
    !route.activeTimeIntervals.some((n) => intervalContains(config.timeIntervals.get(n) ?? [], at))
  ) {
    const starts = route.activeTimeIntervals
      .map((n) => nextChange(config.timeIntervals.get(n) ?? [], at))
      .filter((t): t is number => t !== undefined);
    const interval = `outside ${route.activeTimeIntervals.join('|')}`;
    return starts.length ? { interval, until: Math.min(...starts) } : { interval };
  }
  return undefined;
}
