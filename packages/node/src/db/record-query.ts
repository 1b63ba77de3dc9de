import { fingerprint, queryType, tableOf } from '@vitalstream/protocol';
import type { Monitor } from '../monitor.ts';

export interface QueryOptions {
  /** Slow above this (1 s, the slow-query alert's limit); extremely slow above `extremelySlowMs` (10 s). */
  slowMs?: number;
  extremelySlowMs?: number;
  database?: string;
  connection?: string;
}

/** One query as a database_query metric: shape and timing only, never the parameters. */
export function recordQuery(monitor: Monitor, sql: string, durationMs: number, outcome: { rows?: number; error?: unknown }, options: QueryOptions = {}): void {
  const slow = durationMs > (options.extremelySlowMs ?? 10_000) ? 'extremely_slow' : durationMs > (options.slowMs ?? 1000) ? 'slow' : undefined;
  const tags: Record<string, string> = {
    query_type: queryType(sql),
    table: tableOf(sql),
    fingerprint: fingerprint(sql),
    status: outcome.error ? 'error' : 'success',
  };
  if (outcome.error) tags.error_code = String((outcome.error as { code?: unknown }).code ?? 'unknown').slice(0, 32);
  if (slow) tags.slow = slow;
  if (options.database) tags.database = options.database;
  if (options.connection) tags.connection = options.connection;
  if (outcome.rows !== undefined) tags.rows = String(outcome.rows);
  monitor.record({ name: 'database_query', value: durationMs, unit: 'ms', source: 'database', tags });
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
