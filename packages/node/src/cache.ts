import type { Monitor } from './monitor.ts';

export interface CacheTracker {
  hit(key: string): void;
  miss(key: string): void;
  /** Wraps a get function: null or undefined counts as a miss. */
  wrap<A extends [string, ...unknown[]], R>(get: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
  /** Reports now and stops the timer. */
  stop(): void;
}

/** `user:42:profile` -> `user`: the prefix is the dimension, never the key. */
export const keyPrefix = (key: string): string => (key.split(/[:/.]/, 1)[0] ?? 'other').slice(0, 64) || 'other';

/**
 * cache_hit_rate per key prefix for a Redis-style cache, reported every `intervalMs` (default
 * 10 s) as hits / lookups over the interval.
 */
export function trackCache(monitor: Monitor, cache = 'redis', intervalMs = 10_000): CacheTracker {
  const counts = new Map<string, { hits: number; lookups: number }>();
  const count = (key: string, hit: boolean) => {
    const prefix = keyPrefix(key);
    const entry = counts.get(prefix) ?? { hits: 0, lookups: 0 };
    entry.lookups += 1;
    if (hit) entry.hits += 1;
    counts.set(prefix, entry);
  };
  const report = () => {
    for (const [prefix, { hits, lookups }] of counts) {
      if (lookups > 0) monitor.record({ name: 'cache_hit_rate', value: hits / lookups, unit: 'rate', source: 'server', tags: { cache, key_prefix: prefix } });
    }
    counts.clear();
  };
  const timer = setInterval(report, intervalMs);
  timer.unref();
  return {
    hit: (key) => count(key, true),
    miss: (key) => count(key, false),
    wrap:
      (get) =>
      async (...args) => {
        const value = await get(...args);
        count(args[0], value !== null && value !== undefined);
        return value;
      },
    stop() {
      clearInterval(timer);
      report();
    },
  };
}
