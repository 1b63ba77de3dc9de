import type { Monitor } from '../monitor.ts';
import { elapsedMs, QueryRecorder, trackPoolGauges, type QueryOptions } from './record-query.ts';

export type { QueryOptions } from './record-query.ts';

const PATCHED = Symbol.for('vitalstream.pg');
type QueryFn = (this: unknown, ...args: unknown[]) => unknown;
interface PgModule {
  Client: { prototype: object };
}
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * Instruments node-postgres: every Client query (and so every Pool query) reports database_query.
 * Call once with the `pg` module; returns a function that undoes it.
 */
export function instrumentPg(monitor: Monitor, pg: PgModule, options: QueryOptions = {}): () => void {
  const proto = pg.Client.prototype as { query: QueryFn } & Record<symbol, unknown>;
  if (proto[PATCHED]) return () => undefined;
  const original = proto.query;
  const queries = new QueryRecorder(monitor, { database: 'postgresql', ...options });
  proto[PATCHED] = true;
  proto.query = function query(this: unknown, ...args: unknown[]) {
    const config = args[0] as { text?: string; submit?: unknown; callback?: unknown } | string | undefined;
    // Submittables (cursors, streams) manage their own lifecycle; leave them alone.
    if (typeof config === 'object' && config !== null && typeof config.submit === 'function') return original.apply(this, args);
    const sql = typeof config === 'string' ? config : (config?.text ?? '');
    const start = process.hrtime.bigint();
    const done = (error: unknown, result?: { rowCount?: number | null }) => {
      try {
        queries.record(sql, elapsedMs(start), { error, rows: result?.rowCount ?? undefined });
      } catch {
        // never let instrumentation break a query
      }
    };
    const callbackIndex = args.findIndex((a) => typeof a === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (error: unknown, result?: unknown) => void;
      args[callbackIndex] = (error: unknown, result?: { rowCount?: number | null }) => {
        done(error, result);
        callback(error, result);
      };
      return original.apply(this, args);
    }
    const returned = original.apply(this, args) as Promise<{ rowCount?: number | null }> | undefined;
    if (!returned || typeof returned.then !== 'function') return returned;
    return returned.then(
      (result) => {
        done(undefined, result);
        return result;
      },
      (error: unknown) => {
        done(error);
        throw error;
      },
    );
  };
  return () => {
    proto.query = original;
    delete proto[PATCHED];
  };
}

export function trackPgPool(monitor: Monitor, pool: PgPool, name = 'default', intervalMs?: number): () => void {
  return trackPoolGauges(
    monitor,
    () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max ?? 10 }),
    { database: 'postgresql', pool: name },
    intervalMs,
  );
}
