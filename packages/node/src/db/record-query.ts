import { fingerprint, queryType, tableOf } from '@vitalstream/protocol';
import type { Monitor } from '../monitor.ts';

export interface QueryOptions {
  /** Slow above this (1 s, the slow-query alert's limit); extremely slow above `extremelySlowMs` (10 s). */
  slowMs?: number;
  extremelySlowMs?: number;
  database?: string;
  connection?: string;
}

/** The tags a query's series share whatever its outcome: its shape, never its parameters. */
function shapeTags(sql: string, options: QueryOptions): Record<string, string> {
  const tags: Record<string, string> = { query_type: queryType(sql), table: tableOf(sql), fingerprint: fingerprint(sql) };
  if (options.database) tags.database = options.database;
  if (options.connection) tags.connection = options.connection;
  return tags;
}

/** One query as a database_query metric: shape and timing only, never the parameters. */
export function recordQuery(monitor: Monitor, sql: string, durationMs: number, outcome: { rows?: number; error?: unknown }, options: QueryOptions = {}): void {
  monitor.record({
    name: 'database_query',
    value: durationMs,
    unit: 'ms',
    source: 'database',
    tags: outcomeTags(shapeTags(sql, options), durationMs, outcome, options),
  });
}

function outcomeTags(
  shape: Record<string, string>,
  durationMs: number,
  outcome: { rows?: number; error?: unknown },
  options: QueryOptions,
): Record<string, string> {
  const slow = durationMs > (options.extremelySlowMs ?? 10_000) ? 'extremely_slow' : durationMs > (options.slowMs ?? 1000) ? 'slow' : undefined;
  const tags: Record<string, string> = { ...shape, status: outcome.error ? 'error' : 'success' };
  if (outcome.error) tags.error_code = String((outcome.error as { code?: unknown }).code ?? 'unknown').slice(0, 32);
  if (slow) tags.slow = slow;
  if (outcome.rows !== undefined) tags.rows = String(outcome.rows);
  return tags;
}

/** SQL texts whose shape is kept: parameterized SQL repeats, and past this many it starts over. */
const MAX_KNOWN_SQL = 2000;
/** Row counts with a series of their own per SQL text; other counts go through `record`. */
const MAX_ROW_SERIES = 16;

interface KnownQuery {
  shape: Record<string, string>;
  /** One folding series per row count, for queries that succeed and are not slow. */
  byRows: Map<number | undefined, (value: number) => void>;
}

/**
 * Records the queries of one instrumentation. A query's shape (type, table, fingerprint) is worked
 * out once per SQL text, and the common outcome (success, not slow) goes through a folding series
 * made once per row count: working out the fingerprint and the fold's key for every query cost a
 * one-query-a-request app more than the query's own client code (`npm run bench:overhead`).
 * Errors and slow queries, which are rare, are recorded one by one.
 */
export class QueryRecorder {
  private readonly known = new Map<string, KnownQuery>();

  constructor(
    private readonly monitor: Monitor,
    private readonly options: QueryOptions,
  ) {}

  record(sql: string, durationMs: number, outcome: { rows?: number; error?: unknown }): void {
    let query = this.known.get(sql);
    if (!query) {
      if (this.known.size >= MAX_KNOWN_SQL) this.known.clear();
      this.known.set(sql, (query = { shape: shapeTags(sql, this.options), byRows: new Map() }));
    }
    let series = query.byRows.get(outcome.rows);
    const common = !outcome.error && durationMs <= (this.options.slowMs ?? 1000);
    if (!series && common && query.byRows.size < MAX_ROW_SERIES) {
      const tags = outcomeTags(query.shape, durationMs, outcome, this.options);
      query.byRows.set(outcome.rows, (series = this.monitor.series({ name: 'database_query', unit: 'ms', source: 'database', tags })));
    }
    if (series && common) series(durationMs);
    else
      this.monitor.record({
        name: 'database_query',
        value: durationMs,
        unit: 'ms',
        source: 'database',
        tags: outcomeTags(query.shape, durationMs, outcome, this.options),
      });
  }
}

export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Pool gauges every `intervalMs` (5 s: fine enough to see a pool fill up); returns a stop function, the timer is unref'd. */
export function trackPoolGauges(
  monitor: Monitor,
  read: () => { total: number; idle: number; waiting: number; max?: number } | undefined,
  tags: Record<string, string>,
  intervalMs = 5000,
): () => void {
  const timer = setInterval(() => {
    const gauges = read();
    if (!gauges) return;
    for (const [type, value] of Object.entries(gauges)) {
      if (value === undefined) continue;
      monitor.record({ name: `connection_pool_${type}`, value, unit: 'count', source: 'database', tags: { pool_type: type, ...tags } });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
