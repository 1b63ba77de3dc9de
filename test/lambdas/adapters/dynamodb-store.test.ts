import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoMetricStore } from '../../../lambdas/adapters/dynamodb-store.ts';
import { aggregateRecords } from '../../../src/aggregation/aggregate-records.ts';
import { buildSeries } from '../../../src/query/build-series.ts';
import { planRead } from '../../../src/storage/rollup-plan.ts';
import type { StreamRecord } from '@vitalstream/protocol/stream';
import { createStoreTable, startDynalite, type Dynalite } from '../../../bench/support/dynalite.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let dynalite: Dynalite;
let tables = 0;
beforeAll(async () => (dynalite = await startDynalite()));
afterAll(() => dynalite.close());

const lcp = (values: { value: number; at: number }[]) =>
  aggregateRecords(
    values.map(
      (v, i): StreamRecord => ({
        v: 1,
        beaconId: `b${i}`,
        receivedAt: v.at,
        common: { app: 'shop', page: '/p' },
        metrics: [{ name: 'web_vitals_lcp', value: v.value, timestamp: v.at, source: 'browser', dimensions: {} }],
      }),
    ),
  );
const count = (partials: Iterable<Parameters<typeof buildSeries>[0] extends Iterable<infer P> ? P : never>) =>
  buildSeries(partials, undefined, { total: { from: 0 } })[0]!.points.reduce((n, p) => n + p.count, 0);

async function freshStore(clock = () => Date.now()) {
  const table = `store-${tables++}`;
  await createStoreTable(dynalite.client, table);
  return dynamoMetricStore(dynalite.client, { table, retentionDays: 400, minuteRetentionDays: 35, clock });
}

describe('DynamoDB store: hourly rollups', () => {
  it('compacts each final batch once, however often compaction runs', async () => {
    const T = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
    const store = await freshStore();
    await store.replacePartials(
      'a',
      lcp([
        { value: 1, at: T + 1000 },
        { value: 2, at: T + 2 * HOUR },
      ]),
      T,
    );
    const first = await store.compactSettled(T + 40 * HOUR);
    const again = await store.compactSettled(T + 41 * HOUR);
    expect(first.batches).toBe(1);
    expect(again.batches).toBe(0);
    expect(count(await store.readPartials({ metric: 'web_vitals_lcp', from: T, to: T + 3 * HOUR, filters: {}, resolutionMs: HOUR }))).toBe(2);
  });

  it('leaves batches that may still be retried out of the rollups, and reads minutes where hours are not complete', async () => {
    const T = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
    const store = await freshStore();
    await store.replacePartials('early', lcp([{ value: 1, at: T + 1000 }]), T);
    // A late beacon: its event is in the first hour, its batch arrived 20 h later.
    await store.replacePartials('late', lcp([{ value: 2, at: T + 2000 }]), T + 20 * HOUR);
    const compacted = await store.compactSettled(T + 10 * HOUR);
    expect(compacted.batches).toBe(1);
    // The late batch is not final yet, so the first hour is not complete in the rollups: minutes answer, and count both.
    expect(count(await store.readPartials({ metric: 'web_vitals_lcp', from: T, to: T + HOUR, filters: {}, resolutionMs: HOUR }))).toBe(2);
  });

  it('answers ranges older than the minute retention from the hourly rollups', async () => {
    const now = Date.now();
    const T = Math.floor((now - 40 * DAY) / HOUR) * HOUR;
    const store = await freshStore(() => now);
    await store.replacePartials(
      'old',
      lcp([
        { value: 7, at: T + 1000 },
        { value: 9, at: T + 3000 },
      ]),
      T,
    );
    await store.compactSettled(T + 40 * HOUR);
    const read = [...(await store.readPartials({ metric: 'web_vitals_lcp', from: T, to: T + HOUR, filters: {} }))];
    expect(read.map((p) => [p.windowStart, p.count, p.sum])).toEqual([[T, 2, 16]]);
  });
});

describe('DynamoDB store: retention by TTL attribute (dynalite never expires items, so the attribute is what is tested)', () => {
  it('sets x on minute items to the window plus the minute retention, and on rollups and the directory to the long one', async () => {
    const T = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
    const table = `ttl-${tables++}`;
    await createStoreTable(dynalite.client, table);
    const store = dynamoMetricStore(dynalite.client, { table, retentionDays: 400, minuteRetentionDays: 35 });
    await store.replacePartials('a', lcp([{ value: 1, at: T + 1000 }]), T);
    await store.compactSettled(T + 40 * HOUR);
    const all = async (prefix: string) => {
      const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
      const { Items = [] } = await dynalite.client.send(new ScanCommand({ TableName: table }));
      return Items.filter((i) => i.pk!.S!.startsWith(prefix));
    };
    const [minute] = await all('m#');
    const [rollup] = await all('h#');
    const [directory] = await all('d#');
    expect(Number(minute!.x!.N)).toBe(Math.floor((T + 35 * DAY) / 1000));
    expect(Number(rollup!.x!.N)).toBe(Math.floor((T + HOUR + 400 * DAY) / 1000));
    expect(Number(directory!.x!.N)).toBe(Math.floor((Math.floor(T / DAY) * DAY + DAY + 400 * DAY) / 1000));
  });
});

describe('planRead', () => {
  const T = Date.UTC(2026, 10, 1);
  it('reads minutes for fine resolutions and before any compaction', () => {
    expect(planRead(T, T + 7 * DAY, 900_000, T + 10 * DAY)).toEqual([{ kind: 'minutes', from: T, to: T + 7 * DAY }]);
    expect(planRead(T, T + 7 * DAY, HOUR, 0)).toEqual([{ kind: 'minutes', from: T, to: T + 7 * DAY }]);
  });
  it('reads whole hours from rollups up to 24 h 5 min before the watermark, minutes for the rest', () => {
    const from = T + 30 * 60_000;
    expect(planRead(from, T + 7 * DAY, HOUR, T + 6 * DAY)).toEqual([
      { kind: 'minutes', from, to: T + HOUR },
      { kind: 'hours', from: T + HOUR, to: T + 4 * DAY + 23 * HOUR },
      { kind: 'minutes', from: T + 4 * DAY + 23 * HOUR, to: T + 7 * DAY },
    ]);
  });
});
