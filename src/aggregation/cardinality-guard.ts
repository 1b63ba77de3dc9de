import { WINDOW_MS } from './partial-aggregate.ts';

export const DEFAULT_MAX_VALUES_PER_DIMENSION = 100;
/** Apps tracked per window; past it, a new app's other dimensions fold (the app itself never does). */
export const DEFAULT_MAX_APPS_PER_WINDOW = 10_000;
export const OVERFLOW_VALUE = 'other';
/** Windows older than this (behind the newest seen) are forgotten: late data for them starts a fresh count. */
const REMEMBERED_WINDOWS = 120;

export interface CardinalityGuard {
  /** The value to store for this dimension of this app's metric: itself while under the cap, else `other`. */
  admit(app: string, metric: string, windowStart: number, dimension: string, value: string): string;
  readonly folded: number;
}

/**
 * Bounds distinct values per app, metric, window and dimension, so one noisy client (random ids in
 * a tag, a crawler walking URLs) cannot turn into thousands of series. The cap is counted within
 * each app: junk traffic from strangers fills its own app's quota and never folds a real app's
 * pages into `other`. The app is never folded (it is the caller's business to refuse unknown apps:
 * see the allowed-apps setting); past DEFAULT_MAX_APPS_PER_WINDOW apps in one window, a newcomer's
 * other dimensions fold at once, which bounds this guard's memory. It lives in the consumer, so
 * the bound holds per consumer: on AWS, per shard.
 */
export function createCardinalityGuard(maxValues = DEFAULT_MAX_VALUES_PER_DIMENSION, maxApps = DEFAULT_MAX_APPS_PER_WINDOW): CardinalityGuard {
  const seen = new Map<number, Map<string, Map<string, Set<string>>>>();
  let newestWindow = -Infinity;
  let folded = 0;
  return {
    get folded() {
      return folded;
    },
    admit(app, metric, windowStart, dimension, value) {
      if (value === OVERFLOW_VALUE) return value;
      if (windowStart > newestWindow) {
        newestWindow = windowStart;
        for (const window of seen.keys()) {
          if (window < newestWindow - REMEMBERED_WINDOWS * WINDOW_MS) seen.delete(window);
        }
      }
      let byApp = seen.get(windowStart);
      if (!byApp) seen.set(windowStart, (byApp = new Map()));
      let byKey = byApp.get(app);
      if (!byKey) {
        if (byApp.size >= maxApps) {
          folded += 1;
          return OVERFLOW_VALUE;
        }
        byApp.set(app, (byKey = new Map()));
      }
      const key = `${metric}\u0000${dimension}`;
      let values = byKey.get(key);
      if (!values) byKey.set(key, (values = new Set()));
      if (values.has(value)) return value;
      if (values.size < maxValues) {
        values.add(value);
        return value;
      }
      folded += 1;
      return OVERFLOW_VALUE;
    },
  };
}
