import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createAggregateHandler } from '../../../lambdas/aggregate.ts';
import { openSqliteStore } from '../../../local/adapters/sqlite-store.ts';
import { toKinesisEvent } from '../../../bench/support/kinesis-events.ts';
import { localContext } from '../../../bench/support/lambda-context.ts';
import { buildSeries } from '../../../src/query/build-series.ts';
import { encodeStreamRecord, type StreamRecord } from '@vitalstream/protocol/stream';
import { tempDir } from '../../../bench/support/temp-dir.ts';

const BASE = Date.UTC(2026, 10, 26, 19, 0, 0);
const QUANTILES = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
const dir = tempDir();
afterAll(() => dir.remove());

/** The exact quantile under DDSketch's rank convention: the value at index floor(q * (n - 1)). */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const recordOf = (seq: number, values: { value: number; minute: number; device: string }[]): StreamRecord => ({
  v: 1,
  beaconId: `b${seq}`,
  receivedAt: BASE,
  common: { app: 'shop', device: values[0]?.device ?? 'mobile' },
  metrics: values.map((v) => ({ name: 'web_vitals_lcp', value: v.value, timestamp: BASE + v.minute * 60_000 + 123, source: 'browser', dimensions: {} })),
});

describe('aggregation is mergeable and idempotent', () => {
  it('any split into batches, delivered in any order with replays, gives exact counts and percentiles within 1 %', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            value: fc.oneof(fc.double({ min: 0, max: 60_000, noNaN: true }), fc.integer({ min: 0, max: 5000 })),
            minute: fc.integer({ min: 0, max: 2 }),
            device: fc.constantFrom('mobile', 'desktop'),
          }),
          { minLength: 1, maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.infiniteStream(fc.integer({ min: 1, max: 60 })),
        fc.infiniteStream(fc.nat()),
        async (events, perRecord, cutSizes, shuffleSeeds) => {
          const store = openSqliteStore(`${dir.path}/prop-${run++}.db`);
          const handler = createAggregateHandler({ store });
          // Beacons of up to `perRecord` events, each beacon one stream record with a sequence number.
          const records: { seq: number; record: StreamRecord }[] = [];
          for (let i = 0, seq = 1; i < events.length; i += perRecord, seq++) records.push({ seq, record: recordOf(seq, events.slice(i, i + perRecord)) });
          // Cut the stream into batches of random sizes, as the event source mapping would.
          const batches: KinesisStreamEvent[] = [];
          const sizes = cutSizes[Symbol.iterator]();
          for (let i = 0; i < records.length; ) {
            const size = sizes.next().value as number;
            const slice = records.slice(i, i + size);
            batches.push(toKinesisEvent(slice.map(({ seq, record }) => ({ seq, partitionKey: `p${seq}`, data: encodeStreamRecord(record), arrivedAt: BASE }))));
            i += size;
          }
          // Deliver every batch, then replay some, in a shuffled order.
          const seeds = shuffleSeeds[Symbol.iterator]();
          const deliveries = [...batches, ...batches.filter(() => (seeds.next().value as number) % 3 === 0)];
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = (seeds.next().value as number) % (i + 1);
            [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
          }
          for (const event of deliveries) await handler(event, localContext('aggregate'));

          const partials = await store.readPartials({ metric: 'web_vitals_lcp', from: BASE, to: BASE + 3 * 60_000, filters: {} });
          const [series] = buildSeries(partials);
          for (let minute = 0; minute < 3; minute++) {
            const values = events
              .filter((e) => e.minute === minute)
              .map((e) => e.value)
              .sort((a, b) => a - b);
            const point = series!.points.find((p) => p.t === new Date(BASE + minute * 60_000).toISOString());
            if (values.length === 0) {
              expect(point).toBeUndefined();
              continue;
            }
            expect(point!.count).toBe(values.length);
            expect(point!.min).toBe(values[0]);
            expect(point!.max).toBe(values.at(-1));
            expect(point!.sum).toBeCloseTo(
              values.reduce((a, b) => a + b, 0),
              0,
            );
            for (const [label, q] of Object.entries(QUANTILES)) {
              const exact = exactQuantile(values, q);
              expect(Math.abs(point![label as keyof typeof QUANTILES] - exact)).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-9);
            }
          }
          store.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a batch delivered twice counts once, and a retry with more records replaces the first', async () => {
    const store = openSqliteStore(`${dir.path}/replay.db`);
    const handler = createAggregateHandler({ store });
    const logged = [1, 2, 3].map((seq) => ({
      seq,
      partitionKey: 'p',
      data: encodeStreamRecord(recordOf(seq, [{ value: seq * 100, minute: 0, device: 'mobile' }])),
      arrivedAt: BASE,
    }));
    await handler(toKinesisEvent(logged.slice(0, 2)), localContext('aggregate'));
    await handler(toKinesisEvent(logged.slice(0, 2)), localContext('aggregate'));
    const count = async () =>
      buildSeries(await store.readPartials({ metric: 'web_vitals_lcp', from: BASE, to: BASE + 60_000, filters: {} }))[0]!.points[0]!.count;
    expect(await count()).toBe(2);
    await handler(toKinesisEvent(logged), localContext('aggregate'));
    expect(await count()).toBe(3);
    store.close();
  });
});
