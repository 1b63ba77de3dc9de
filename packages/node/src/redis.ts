import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { trackCache } from './cache.ts';
import type { Monitor } from './monitor.ts';

/** node-redis (recent 5.x and 6) publishes every command's reply here, its arguments sanitized. */
const COMMAND_REPLY = 'node-redis:command:reply';
/**
 * Reads whose empty reply is a cache miss; their key is their first argument. node-redis keeps
 * only the command name of commands it does not know to be safe (HGET among them), so those
 * cannot be told apart by key prefix and are left out.
 */
const LOOKUPS = new Set(['GET', 'GETEX', 'GETDEL']);

export interface RedisOptions {
  /** The `cache` dimension (default 'redis'). */
  cache?: string;
  /** How often the hit rate is reported (ms, default 10 000). */
  intervalMs?: number;
}

/**
 * cache_hit_rate for every GET-like read of node-redis, from the replies node-redis publishes on
 * its `node-redis:command:reply` diagnostics channel: nothing is wrapped, and no call of the app's
 * changes. A null reply is a miss. Versions that do not publish the channel measure nothing (use
 * `trackCache(monitor).wrap(get)` there). Returns a function that stops it and reports what it has.
 */
export function instrumentRedis(monitor: Monitor, options: RedisOptions = {}): () => void {
  const tracker = trackCache(monitor, options.cache ?? 'redis', options.intervalMs);
  const onReply = (message: unknown) => {
    try {
      const { args, reply } = message as { args?: unknown[]; reply?: unknown };
      const command = String(args?.[0] ?? '').toUpperCase();
      const key = args?.[1];
      if (!LOOKUPS.has(command) || typeof key !== 'string') return;
      if (reply === null || reply === undefined) tracker.miss(key);
      else tracker.hit(key);
    } catch {
      // never let instrumentation break a command
    }
  };
  subscribe(COMMAND_REPLY, onReply);
  return () => {
    unsubscribe(COMMAND_REPLY, onReply);
    tracker.stop();
  };
}
