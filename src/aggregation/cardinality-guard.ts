import { WINDOW_MS } from './partial-aggregate.ts';

export const DEFAULT_MAX_VALUES_PER_DIMENSION = 100;
export const OVERFLOW_VALUE = 'other';
/** Windows older than this (behind the newest seen) are forgotten: late data for them starts a fresh count. */
const REMEMBERED_WINDOWS = 120;

export interface CardinalityGuard {
  /** The value to store for this dimension: itself while under the cap, else `other`. */
  admit(metric: string, windowStart: number, dimension: string, value: string): string;
  readonly folded: number;
}

/**
 * Bounds distinct values per metric, window and dimension, so one noisy client (random ids in a
 * tag, a crawler walking URLs) cannot turn into thousands of series. It lives in the consumer,
 * so the bound holds per consumer: on AWS, per shard.
 */
export function createCardinalityGuard(maxValues = DEFAULT_MAX_VALUES_PER_DIMENSION): CardinalityGuard {
  const seen = new Map<number, Map<string, Set<string>>>();
  let newestWindow = -Infinity;
  let folded = 0;
  return {
    get folded() {
      return folded;
    },
    admit(metric, windowStart, dimension, value) {
      if (value === OVERFLOW_VALUE) return value;
      if (windowStart > newestWindow) {
        newestWindow = windowStart;
        for (const window of seen.keys()) {
          if (window < newestWindow - REMEMBERED_WINDOWS * WINDOW_MS) seen.delete(window);
        }
      }
      let byKey = seen.get(windowStart);
      if (!byKey) seen.set(windowStart, (byKey = new Map()));
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
