import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { QUERY_LIMITS } from '../../src/settings.ts';
import { type QueryPool, startQueryPool } from './query-pool.ts';

export type QueryLines = Record<'scan' | 'lookup', QueryPool>;

/**
 * Two lines, each with its own workers and queue: range scans (aggregates, advice, forecasts)
 * cannot hold up lookups (metrics, alerts, anomalies). In each, one client may hold at most half
 * the queue, so it cannot fill either line for everyone else.
 */
export function startQueryLines(dataDir: string, maxQueued: number, log: (line: string) => void): QueryLines {
  const pool = (workers: number) =>
    startQueryPool({
      workerPath: join(import.meta.dirname, 'workers/query-worker.ts'),
      workerData: { dataDir },
      workers,
      maxQueued,
      maxPerClient: workers + Math.max(1, Math.ceil(maxQueued / 2)),
      timeoutMs: QUERY_LIMITS.timeoutMs,
      log,
    });
  return { scan: pool(Math.max(1, availableParallelism() - 1)), lookup: pool(1) };
}

export async function closeQueryLines(lines: QueryLines): Promise<void> {
  await Promise.all([lines.scan.close(), lines.lookup.close()]);
}
