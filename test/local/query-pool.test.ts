import { afterEach, describe, expect, it } from 'vitest';
import { startQueryPool, type QueryPool } from '../../local/edge/query-pool.ts';

const pools: QueryPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

const request = (sleep: number) => ({ path: '/v1/advice', query: { sleep: String(sleep) } });

function pool(maxQueued: number, maxPerClient: number) {
  const started = startQueryPool({
    workerPath: `${import.meta.dirname}/fixtures/sleepy-query-worker.mjs`,
    workerData: {},
    workers: 1,
    maxQueued,
    maxPerClient,
    timeoutMs: 10_000,
  });
  pools.push(started);
  return (client: string, sleep = 0) => started.handle(request(sleep), client).then((r) => r.status);
}

describe('the local query pool', () => {
  it('keeps one client from filling the queue: past its share it alone gets 429, others still get in', async () => {
    const query = pool(8, 3);
    const greedy = Array.from({ length: 6 }, () => query('10.0.0.1', 300));
    const other = query('10.0.0.2', 0);
    const statuses = await Promise.all(greedy);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(await other).toBe(200);
    // Once answered, the client has its share again.
    expect(await query('10.0.0.1')).toBe(200);
  });
});
