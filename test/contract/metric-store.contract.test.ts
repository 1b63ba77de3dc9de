import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoMetricStore, type DynamoMetricStore } from '../../lambdas/adapters/dynamodb-store.ts';
import { timestreamStore } from '../../lambdas/adapters/timestream-store.ts';
import { openSqliteStore } from '../../local/adapters/sqlite-store.ts';
import { aggregateRecords } from '../../src/aggregation/aggregate-records.ts';
import type { MetricStore } from '../../src/ports.ts';
import { buildSeries } from '../../src/query/build-series.ts';
import type { StreamRecord } from '@vitalstream/protocol/stream';
import { createStoreTable, startDynalite, type Dynalite } from '../../bench/support/dynalite.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';
import { fakeTimestream } from '../helpers/timestream-fake.ts';

const HOUR = 3_600_000;
/** Two days ago, on the hour: late enough that the DynamoDB rollups can cover it once settled. */
const T = Math.floor((Date.now() - 2 * 86_400_000) / HOUR) * HOUR;

interface Harness {
  store: MetricStore;
  /** Whatever the store does once batches are final (DynamoDB: fold them into the hourly rollups). */
  settle(): Promise<void>;
}

let dynalite: Dynalite;
let tables = 0;
const dirs: ReturnType<typeof tempDir>[] = [];
beforeAll(async () => (dynalite = await startDynalite()));
afterAll(async () => {
  await dynalite.close();
  for (const dir of dirs) dir.remove();
});

const stores: Record<string, () => Promise<Harness>> = {
  sqlite: async () => {
    const dir = tempDir();
    dirs.push(dir);
    return { store: openSqliteStore(`${dir.path}/m.db`), settle: async () => undefined };
  },
  'dynamodb (dynalite)': async () => {
    const table = `aggregates-${tables++}`;
    await createStoreTable(dynalite.client, table);
    const store: DynamoMetricStore = dynamoMetricStore(dynalite.client, { table, retentionDays: 400 });
    return { store, settle: async () => void (await store.compactSettled(T + 3 * 86_400_000)) };
  },
  'timestream (aws-sdk-client-mock)': async () => {
    fakeTimestream();
    let writeId = 1_800_000_000_000;
    return {
      store: timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), { database: 'd', table: 't', clock: () => writeId++ }),
      settle: async () => undefined,
    };
  },
};

function batch(values: { value: number; at: number; page?: string; device?: string; metric?: string }[]): ReturnType<typeof aggregateRecords> {
  const records: StreamRecord[] = values.map((v, i) => ({
    v: 1,
    beaconId: `b${i}`,
    receivedAt: v.at,
    common: { app: 'shop', page: v.page ?? '/home', device: v.device ?? 'mobile' },
    metrics: [{ name: v.metric ?? 'web_vitals_lcp', value: v.value, timestamp: v.at, source: 'browser', dimensions: { navigation_type: 'navigate' } }],
  }));
  return aggregateRecords(records);
}

const total = (series: ReturnType<typeof buildSeries>) => series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
const read = async (store: MetricStore, query: Partial<Parameters<MetricStore['readPartials']>[0]> = {}) => [
  ...(await store.readPartials({ metric: 'web_vitals_lcp', from: T, to: T + 6 * HOUR, filters: {}, ...query })),
];

for (const [name, open] of Object.entries(stores)) {
  describe(`MetricStore contract: ${name}`, () => {
    it('replaces a batch on replay: a shorter retry of the same identity leaves only what it carries', async () => {
      const { store } = await open();
      await store.replacePartials(
        'arn/shard-0/100',
        batch([
          { value: 100, at: T + 1000 },
          { value: 200, at: T + 61_000 },
          { value: 300, at: T + 2 * HOUR },
        ]),
        T,
      );
      await store.replacePartials('arn/shard-0/100', batch([{ value: 100, at: T + 1000 }]), T);
      const series = buildSeries(await read(store));
      expect(total(series)).toBe(1);
      expect(series[0]!.points[0]!.sum).toBe(100);
    });

    it('adds distinct batches, filters by any dimension and groups by one', async () => {
      const { store } = await open();
      await store.replacePartials(
        'a',
        batch([
          { value: 1000, at: T + 1000, device: 'mobile' },
          { value: 2000, at: T + 2000, device: 'desktop', page: '/cart' },
        ]),
        T,
      );
      await store.replacePartials('b', batch([{ value: 3000, at: T + 3000, device: 'mobile', page: '/cart' }]), T + 1);
      expect(total(buildSeries(await read(store)))).toBe(3);
      expect(total(buildSeries(await read(store, { filters: { device: 'mobile' } })))).toBe(2);
      expect(total(buildSeries(await read(store, { filters: { device: 'mobile', page: '/cart' } })))).toBe(1);
      const byPage = buildSeries(await read(store), 'page');
      expect(byPage.map((s) => [s.dimensions.page, s.points[0]!.count])).toEqual([
        ['/cart', 2],
        ['/home', 1],
      ]);
    });

    it('reads windows by their start in [from, to), and several metrics at once', async () => {
      const { store } = await open();
      await store.replacePartials(
        'a',
        batch([
          { value: 1, at: T - 1 },
          { value: 2, at: T },
          { value: 3, at: T + HOUR - 1 },
          { value: 4, at: T + HOUR },
          { value: 5, at: T + 10, metric: 'web_vitals_inp' },
        ]),
        T,
      );
      const inside = await read(store, { from: T, to: T + HOUR });
      expect(inside.map((p) => p.sum).sort()).toEqual([2, 3]);
      const both = await store.readMetrics(['web_vitals_lcp', 'web_vitals_inp'], T, T + HOUR);
      expect([...both].map((p) => `${p.metric}:${p.sum}`).sort()).toEqual(['web_vitals_inp:5', 'web_vitals_lcp:2', 'web_vitals_lcp:3']);
    });

    it('keeps sketches, counts, sums, extremes and ratings exact through the store', async () => {
      const { store } = await open();
      const values = Array.from({ length: 200 }, (_, i) => 50 + i * 37);
      await store.replacePartials('a', batch(values.map((value, i) => ({ value, at: T + (i % 50) * 1000 }))), T);
      const [point] = buildSeries(await read(store), undefined, { total: { from: T } })[0]!.points;
      const sorted = [...values].sort((a, b) => a - b);
      expect(point!.count).toBe(200);
      expect(point!.sum).toBe(values.reduce((a, b) => a + b, 0));
      expect([point!.min, point!.max]).toEqual([sorted[0], sorted.at(-1)]);
      expect(Math.abs(point!.p75 - sorted[Math.floor(0.75 * 199)]!) / sorted[Math.floor(0.75 * 199)]!).toBeLessThanOrEqual(0.01);
      expect(point!.ratings).toEqual({
        good: values.filter((v) => v <= 2500).length,
        needsImprovement: values.filter((v) => v > 2500 && v <= 4000).length,
        poor: values.filter((v) => v > 4000).length,
      });
    });

    it('answers an hourly read of settled data exactly as the minutes add up', async () => {
      const { store, settle } = await open();
      for (let b = 0; b < 6; b++) {
        await store.replacePartials(
          `arn/shard-0/${b}`,
          batch(Array.from({ length: 30 }, (_, i) => ({ value: 100 + b * 10 + i, at: T + b * 40 * 60_000 + i * 7_000, page: i % 2 ? '/a' : '/b' }))),
          T + b * 40 * 60_000,
        );
      }
      await settle();
      const minutes = buildSeries(await read(store), 'page', { stepMs: HOUR });
      const hours = buildSeries(await read(store, { resolutionMs: HOUR }), 'page', { stepMs: HOUR });
      expect(hours).toEqual(minutes);
      expect(total(hours)).toBe(180);
    });
  });
}
