import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
// Imported rather than the global, whose getter runs a brand check on every read.
import { performance } from 'node:perf_hooks';
import { trackCache } from './cache.ts';
import type { Monitor } from './monitor.ts';

/** node-redis (recent 5.x and 6) publishes every command's reply here, its arguments sanitized. */
const COMMAND_REPLY = 'node-redis:command:reply';
/** ...and traces every command on this TracingChannel, from sending it to its reply. */
const COMMAND_TRACE = 'node-redis:command';
const kStartedAt = Symbol('vitalstream.startedAt');
/** The part of node-redis's trace context read here: the command's name, upper-cased by node-redis. */
interface CommandContext {
  command?: unknown;
  [kStartedAt]?: number;
}
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
 * node-redis measured from its own diagnostics channels, nothing wrapped and no call of the app's
 * changed: cache_hit_rate for every GET-like read, from the replies published on
 * `node-redis:command:reply` (a null reply is a miss), and cache_command, each command's time from
 * sending to reply by command name and status, from the `node-redis:command` TracingChannel.
 * Versions that publish neither measure nothing (use `trackCache(monitor).wrap(get)` there).
 * Returns a function that stops it and reports what it has.
 */
export function instrumentRedis(monitor: Monitor, options: RedisOptions = {}): () => void {
  const cache = options.cache ?? 'redis';
  const tracker = trackCache(monitor, cache, options.intervalMs);
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
  const stopTiming = timeCommands(monitor, cache);
  return () => {
    unsubscribe(COMMAND_REPLY, onReply);
    stopTiming();
    tracker.stop();
  };
}

/**
 * Each command's time, from the trace's start (the command queued to be sent) to the settling of
 * its promise (the reply read), recorded under its name and `ok` or `error`. The start is kept on
 * node-redis's own context object, made fresh for each command.
 */
function timeCommands(monitor: Monitor, cache: string): () => void {
  const series = new Map<string, (value: number) => void>();
  const record = (context: CommandContext, status: 'ok' | 'error') => {
    const startedAt = context[kStartedAt];
    if (startedAt === undefined) return;
    context[kStartedAt] = undefined;
    const command = typeof context.command === 'string' ? context.command.slice(0, 32) : 'UNKNOWN';
    const key = `${command} ${status}`;
    let add = series.get(key);
    // Command names are a fixed vocabulary of a few hundred; the bound only guards against a client that sends its own.
    if (!add && series.size < 500) series.set(key, (add = monitor.series({ name: 'cache_command', unit: 'ms', tags: { cache, command, status } })));
    add?.(performance.now() - startedAt);
  };
  const handlers = {
    start: (message: unknown) => void ((message as CommandContext)[kStartedAt] = performance.now()),
    asyncEnd: (message: unknown) => record(message as CommandContext, 'ok'),
    error: (message: unknown) => record(message as CommandContext, 'error'),
  };
  const channel = tracingChannel(COMMAND_TRACE);
  channel.subscribe(handlers as Parameters<typeof channel.subscribe>[0]);
  return () => channel.unsubscribe(handlers as Parameters<typeof channel.unsubscribe>[0]);
}
