import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../lambdas/aggregate.ts';
import { createQueryHandler } from '../../lambdas/query.ts';
import { toKinesisEvent } from '../../bench/support/kinesis-events.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { openSqliteStore, type SqliteStore } from '../../local/adapters/sqlite-store.ts';
import { encodeStreamRecord } from '@vitalstream/protocol/stream';
import { httpEvent, json, status } from '../helpers/http-events.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const T = Date.UTC(2026, 10, 26, 19, 1, 0);
const dir = tempDir();
let store: SqliteStore;
const query = (params: Record<string, string>, path = '/v1/aggregates') =>
  createQueryHandler({ store, allowedOrigins: [], clock: { now: () => T + 120_000 } })(httpEvent('GET', path, { query: params }), localContext('q'));

beforeAll(async () => {
  store = openSqliteStore(`${dir.path}/metrics.db`);
  const lcp = [
    [840, 'mobile'],
    [2210, 'mobile'],
    [6120, 'mobile'],
    [1500, 'desktop'],
  ] as const;
  const records = lcp.map(([value, device], i) => ({
    seq: i + 1,
    partitionKey: 'p',
    arrivedAt: T,
    data: encodeStreamRecord({
      v: 1,
      beaconId: `b${i}`,
      receivedAt: T,
      common: { app: 'shop', page: '/courses/:id', device },
      metrics: [{ name: 'web_vitals_lcp', value, timestamp: T + 1000, source: 'browser', dimensions: { navigation_type: 'navigate' } }],
    }),
  }));
  await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
});
afterAll(() => {
  store.close();
  dir.remove();
});

describe('query handler', () => {
  it('merges every matching series into one without group_by', async () => {
    const result = await query({ metric: 'web_vitals_lcp', from: new Date(T).toISOString(), to: String(T + 60_000) });
    expect(status(result)).toBe(200);
    const body = json(result);
    expect(body).toMatchObject({ metric: 'web_vitals_lcp', unit: 'ms' });
    expect(body.series).toHaveLength(1);
    expect(body.series[0].dimensions).toEqual({});
    expect(body.series[0].points[0]).toMatchObject({
      t: '2026-11-26T19:01:00.000Z',
      count: 4,
      sum: 10670,
      avg: 2667.5,
      min: 840,
      max: 6120,
      ratings: { good: 3, needsImprovement: 0, poor: 1 },
    });
  });

  it('groups by a dimension and filters by another', async () => {
    const grouped = json(await query({ metric: 'web_vitals_lcp', from: String(T), to: String(T + 60_000), group_by: 'device' }));
    expect(grouped.series.map((s: { dimensions: object; points: { count: number }[] }) => [s.dimensions, s.points[0]!.count])).toEqual([
      [{ device: 'desktop' }, 1],
      [{ device: 'mobile' }, 3],
    ]);
    const filtered = json(await query({ metric: 'web_vitals_lcp', from: String(T), to: String(T + 60_000), device: 'mobile' }));
    expect(filtered.series[0].points[0].count).toBe(3);
    // Rank q·(n−1), lower value: with three samples p99 is the second largest, within 1 %.
    expect(Math.abs(filtered.series[0].points[0].p99 - 2210)).toBeLessThanOrEqual(22.1);
  });

  it('says which route a raw path folds to, instead of an empty answer that looks like no traffic', async () => {
    const raw = json(await query({ metric: 'web_vitals_lcp', from: String(T), to: String(T + 60_000), page: '/courses/42' }));
    expect(raw.series.flatMap((s: { points: unknown[] }) => s.points)).toEqual([]);
    expect(raw.hint).toBe("page '/courses/42' is stored as its route '/courses/:id': filter by page=/courses/:id.");
    const route = json(await query({ metric: 'web_vitals_lcp', from: String(T), to: String(T + 60_000), page: '/courses/:id' }));
    expect(route.series[0].points[0].count).toBe(4);
    expect(route.hint).toBeUndefined();
  });

  it('says which stored values a filter in the wrong case meant, instead of an empty answer', async () => {
    const range = { metric: 'web_vitals_lcp', from: String(T), to: String(T + 60_000) };
    const page = json(await query({ ...range, page: '/Courses/:ID' }));
    expect(page.series.flatMap((s: { points: unknown[] }) => s.points)).toEqual([]);
    expect(page.hint).toBe("page '/Courses/:ID' matches nothing: values differ in case ('/courses/:id'): filter by page=/courses/:id.");
    const device = json(await query({ ...range, device: 'Mobile', page: '/courses/:id' }));
    expect(device.hint).toBe("device 'Mobile' matches nothing: values differ in case ('mobile'): filter by device=mobile.");
    // A value no stored value matches, in any case, gets no hint: it is simply absent.
    expect(json(await query({ ...range, device: 'tablet' })).hint).toBeUndefined();
  });

  it('treats to as exclusive and defaults to the last hour', async () => {
    expect(json(await query({ metric: 'web_vitals_lcp', from: String(T - 60_000), to: String(T) })).series[0].points).toEqual([]);
    expect(json(await query({ metric: 'web_vitals_lcp' })).series[0].points).toHaveLength(1);
  });

  it.each([
    [{}, /metric is required/],
    [{ metric: 'nope' }, /'nope' is not a known metric/],
    [{ metric: 'web_vitals_lcp', from: 'yesterday' }, /from 'yesterday' is not epoch milliseconds/],
    [{ metric: 'web_vitals_lcp', from: String(T), to: String(T - 1) }, /from must be before to/],
    [{ metric: 'web_vitals_lcp', from: '0', to: String(T) }, /at most 31 days/],
    [{ metric: 'web_vitals_lcp', colour: 'red' }, /colour is not a dimension of web_vitals_lcp/],
    [{ metric: 'web_vitals_lcp', group_by: 'status_code' }, /group_by 'status_code' is not a dimension/],
  ])('refuses %j with a 400 naming the problem', async (params, message) => {
    const result = await query(params as Record<string, string>);
    expect(status(result)).toBe(400);
    expect(json(result).message).toMatch(message);
  });

  it('lists the metric registry with units, thresholds and dimensions', async () => {
    const body = json(await query({}, '/v1/metrics'));
    expect(body.dashboardRefreshSeconds).toBe(30);
    const inp = body.metrics.find((m: { name: string }) => m.name === 'web_vitals_inp');
    expect(inp).toMatchObject({ unit: 'ms', rating: { good: 200, poor: 500 } });
    expect(inp.dimensions).toEqual(expect.arrayContaining(['app', 'page', 'device', 'navigation_type']));
  });
});

describe('step=total', () => {
  it('merges the whole range into one point per series, with exact counts and ratings', async () => {
    const body = json(await query({ metric: 'web_vitals_lcp', from: String(T - 3_600_000), to: String(T + 60_000), step: 'total', group_by: 'device' }));
    expect(
      body.series.map((s: { dimensions: object; points: { count: number; t: string }[] }) => [
        s.dimensions,
        s.points.length,
        s.points[0]!.count,
        s.points[0]!.t,
      ]),
    ).toEqual([
      [{ device: 'desktop' }, 1, 1, new Date(T - 3_600_000).toISOString()],
      [{ device: 'mobile' }, 1, 3, new Date(T - 3_600_000).toISOString()],
    ]);
    expect(status(await query({ metric: 'web_vitals_lcp', step: 'week' }))).toBe(400);
    expect(json(await query({ metric: 'web_vitals_lcp', step: 'week' })).message).toContain('step must be one of minute, 5m, 15m, hour, total');
  });
});
