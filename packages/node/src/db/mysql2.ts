import { tracingChannel } from 'node:diagnostics_channel';
import type { Monitor } from '../monitor.ts';
import { elapsedMs, QueryRecorder, trackPoolGauges, type QueryOptions } from './record-query.ts';

export type { QueryOptions } from './record-query.ts';

const PATCHED = Symbol.for('vitalstream.mysql2');
type Fn = (this: unknown, ...args: unknown[]) => unknown;
interface Mysql2Module {
  Connection: { prototype: object };
}
interface QueryEmitter {
  once?: (event: string, listener: (...args: unknown[]) => void) => unknown;
}
type Result = unknown[] | { affectedRows?: number };

const rowsOf = (result: Result | undefined): number | undefined =>
  Array.isArray(result) ? result.length : typeof result?.affectedRows === 'number' ? result.affectedRows : undefined;

/** What mysql2 publishes on its `mysql2:query` and `mysql2:execute` tracing channels. */
interface QueryContext {
  query?: string;
  error?: unknown;
  result?: Result;
  [started]?: bigint;
}
const started = Symbol('vitalstream.started');

/**
 * Whether this mysql2 publishes its queries on TracingChannels (recent 3.x does): its connection's
 * `query` then calls its tracing helpers. Read from the function's source, because the channels
 * exist by name whether or not anything ever publishes on them.
 */
const publishesQueries = (proto: object): boolean => {
  const query = (proto as Record<string, unknown>).query;
  return typeof query === 'function' && /traceCallback|queryChannel/.test(Function.prototype.toString.call(query));
};

/**
 * Instruments mysql2: every query and execute of connections, pools and the promise API reports
 * database_query. Where mysql2 publishes its `mysql2:query` and `mysql2:execute` TracingChannels,
 * it subscribes to them and patches nothing; older versions get `query` and `execute` wrapped on the
 * base connection class. Returns a function that undoes it.
 */
export function instrumentMysql2(monitor: Monitor, mysql2: Mysql2Module, options: QueryOptions = {}): () => void {
  let proto = mysql2.Connection.prototype as Record<string | symbol, unknown>;
  while (proto && !Object.hasOwn(proto, 'query')) proto = Object.getPrototypeOf(proto) as Record<string | symbol, unknown>;
  if (proto && publishesQueries(proto)) return subscribeToQueries(monitor, options);
  return wrapQueries(monitor, mysql2, options);
}

function subscribeToQueries(monitor: Monitor, options: QueryOptions): () => void {
  const queries = new QueryRecorder(monitor, { database: 'mysql', ...options });
  const handlers = {
    start(context: QueryContext) {
      context[started] = process.hrtime.bigint();
    },
    asyncEnd(context: QueryContext) {
      const start = context[started];
      if (start === undefined) return;
      context[started] = undefined;
      try {
        const { error, result } = context;
        queries.record(context.query ?? '', elapsedMs(start), { error, rows: error ? undefined : rowsOf(result) });
      } catch {
        // never let instrumentation break a query
      }
    },
    end() {},
    asyncStart() {},
    // A query that fails is published on error and then on asyncEnd, where it is recorded once.
    error() {},
  };
  const channels = ['mysql2:query', 'mysql2:execute'].map((name) => tracingChannel<QueryContext>(name));
  for (const channel of channels) channel.subscribe(handlers as never);
  return () => {
    for (const channel of channels) channel.unsubscribe(handlers as never);
  };
}

function wrapQueries(monitor: Monitor, mysql2: Mysql2Module, options: QueryOptions): () => void {
  const queries = new QueryRecorder(monitor, { database: 'mysql', ...options });
  let proto = mysql2.Connection.prototype as Record<string | symbol, unknown>;
  while (proto && !Object.hasOwn(proto, 'query')) proto = Object.getPrototypeOf(proto) as Record<string | symbol, unknown>;
  if (!proto || proto[PATCHED]) return () => undefined;
  proto[PATCHED] = true;
  const originals: Record<string, Fn> = {};
  for (const method of ['query', 'execute']) {
    const original = proto[method] as Fn;
    originals[method] = original;
    proto[method] = function instrumented(this: unknown, ...args: unknown[]) {
      const first = args[0] as string | { sql?: string };
      const sql = typeof first === 'string' ? first : (first?.sql ?? '');
      const start = process.hrtime.bigint();
      let reported = false;
      const done = (error: unknown, result?: Result) => {
        if (reported) return;
        reported = true;
        try {
          queries.record(sql, elapsedMs(start), { error, rows: error ? undefined : rowsOf(result) });
        } catch {
          // never let instrumentation break a query
        }
      };
      const callbackIndex = args.findIndex((a) => typeof a === 'function');
      if (callbackIndex >= 0) {
        const callback = args[callbackIndex] as Fn;
        args[callbackIndex] = function (this: unknown, error: unknown, result: Result, ...rest: unknown[]) {
          done(error, result);
          return callback.call(this, error, result, ...rest);
        };
        return original.apply(this, args);
      }
      const query = original.apply(this, args) as QueryEmitter;
      query?.once?.('error', (error) => done(error));
      query?.once?.('end', () => done(undefined));
      return query;
    };
  }
  return () => {
    for (const [method, original] of Object.entries(originals)) proto[method] = original;
    delete proto[PATCHED];
  };
}

/** mysql2 exposes no public pool counters; these are its internal queues (stable since v2). */
export function trackMysql2Pool(monitor: Monitor, pool: object, name = 'default', intervalMs?: number): () => void {
  const inner = ((pool as { pool?: object }).pool ?? pool) as {
    _allConnections?: { length: number };
    _freeConnections?: { length: number };
    _connectionQueue?: { length: number };
    config?: { connectionLimit?: number };
  };
  return trackPoolGauges(
    monitor,
    () =>
      inner._allConnections
        ? {
            total: inner._allConnections.length,
            idle: inner._freeConnections?.length ?? 0,
            waiting: inner._connectionQueue?.length ?? 0,
            ...(inner.config?.connectionLimit ? { max: inner.config.connectionLimit } : {}),
          }
        : undefined,
    { database: 'mysql', pool: name },
    intervalMs,
  );
}
