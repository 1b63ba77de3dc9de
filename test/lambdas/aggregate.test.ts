import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../lambdas/aggregate.ts';
import { toKinesisEvent } from '../../bench/support/kinesis-events.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { openSqliteStore, type SqliteStore } from '../../local/adapters/sqlite-store.ts';
import { createCardinalityGuard } from '../../src/aggregation/cardinality-guard.ts';
import { buildSeries } from '../../src/query/build-series.ts';
import { encodeStreamRecord, type StreamRecord } from '@vitalstream/protocol/stream';
import { tempDir } from '../../bench/support/temp-dir.ts';

const T = Date.UTC(2026, 10, 26, 19, 0, 0);
let dir: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(() => {
  dir = tempDir();
  store = openSqliteStore(`${dir.path}/metrics.db`);
});
afterEach(() => {
  store.close();
  dir.remove();
});

const record = (value: number, page = '/home', timestamp = T + 5_000): StreamRecord => ({
  v: 1,
  beaconId: 'b',
  receivedAt: T,
  common: { app: 'shop', page },
  metrics: [{ name: 'api_request', value, timestamp, source: 'server', dimensions: { status_class: '2xx' } }],
});
const logged = (seq: number, data: Uint8Array) => ({ seq, partitionKey: 'p', data, arrivedAt: T });
const silent = { error: () => undefined };
const points = async (groupBy?: string) =>
  buildSeries(await store.readPartials({ metric: 'api_request', from: T - 3_600_000, to: T + 3_600_000, filters: {} }), groupBy);

describe('aggregate handler', () => {
  it('folds events into one-minute windows by their own timestamp', async () => {
    const handler = createAggregateHandler({ store, logger: silent });
    const result = await handler(
      toKinesisEvent([logged(1, encodeStreamRecord(record(100))), logged(2, encodeStreamRecord(record(300, '/home', T - 50_000)))]),
      localContext('a'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    const [series] = await points();
    expect(series!.points.map((p) => [p.t, p.count, p.avg])).toEqual([
      ['2026-11-26T18:59:00.000Z', 1, 300],
      ['2026-11-26T19:00:00.000Z', 1, 100],
    ]);
  });

  it('stores the records before a poison record and reports the poison one by sequence number', async () => {
    const handler = createAggregateHandler({ store, logger: silent });
    const event = toKinesisEvent([
      logged(1, encodeStreamRecord(record(100))),
      logged(2, Buffer.from('{"not":"a record"}')),
      logged(3, encodeStreamRecord(record(900))),
    ]);
    expect(await handler(event, localContext('a'))).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    const [series] = await points();
    expect(series!.points[0]!.count).toBe(1);
  });

  it('throws (so the batch is retried) when the store fails, storing nothing', async () => {
    const broken = openSqliteStore(`${dir.path}/closed.db`);
    broken.close();
    const handler = createAggregateHandler({ store: broken, logger: silent });
    await expect(handler(toKinesisEvent([logged(1, encodeStreamRecord(record(1)))]), localContext('a'))).rejects.toThrow();
  });

  it('folds dimension values past the cap into "other" without losing counts', async () => {
    const handler = createAggregateHandler({ store, guard: createCardinalityGuard({ maxValues: 3 }), logger: silent });
    const records = Array.from({ length: 10 }, (_, i) => logged(i + 1, encodeStreamRecord(record(10, `/page-${i}`))));
    await handler(toKinesisEvent(records), localContext('a'));
    const series = await points('page');
    expect(series.map((s) => s.dimensions.page)).toEqual(['/page-0', '/page-1', '/page-2', 'other']);
    expect(series.reduce((n, s) => n + s.points[0]!.count, 0)).toBe(10);
  });
});
