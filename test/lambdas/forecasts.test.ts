import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../lambdas/aggregate.ts';
import { createQueryHandler } from '../../lambdas/query.ts';
import { toKinesisEvent } from '../../bench/support/kinesis-events.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { openSqliteStore } from '../../local/adapters/sqlite-store.ts';
import { encodeStreamRecord } from '@vitalstream/protocol/stream';
import { httpEvent, json, status } from '../helpers/http-events.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const dir = tempDir();
afterAll(() => dir.remove());

describe('GET /v1/forecasts', () => {
  it('forecasts the next hours from the metric history, following its daily cycle, with intervals', async () => {
    const store = openSqliteStore(join(dir.path, 'forecast.db'));
    const start = NOW - 21 * 24 * HOUR;
    const expected = (t: number) => 1500 + 600 * Math.sin((2 * Math.PI * ((t / HOUR) % 24)) / 24);
    const records = Array.from({ length: 21 * 24 }, (_, h) => {
      const t = start + h * HOUR;
      return {
        seq: h + 1,
        partitionKey: 'p',
        arrivedAt: t,
        data: encodeStreamRecord({
          v: 1,
          beaconId: `b${h}`,
          receivedAt: t,
          common: { app: 'shop', page: '/' },
          metrics: [0, 1, 2, 3].map((i) => ({
            name: 'web_vitals_lcp',
            value: expected(t) + i * 10,
            timestamp: t + 60_000,
            source: 'browser' as const,
            dimensions: {},
          })),
        }),
      };
    });
    await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    const query = createQueryHandler({ store, allowedOrigins: [], clock: { now: () => NOW } });
    const result = await query(httpEvent('GET', '/v1/forecasts', { query: { metric: 'web_vitals_lcp', app: 'shop', horizon_hours: '24' } }), localContext('q'));
    expect(status(result)).toBe(200);
    const body = json(result) as { statistic: string; history: unknown[]; forecast: { t: string; value: number; lower: number; upper: number }[] };
    expect(body.statistic).toBe('p75');
    expect(body.history).toHaveLength(7 * 24);
    expect(body.forecast).toHaveLength(24);
    expect(body.forecast[0]!.t).toBe(new Date(NOW).toISOString());
    for (const point of body.forecast) {
      expect(Math.abs(point.value - expected(Date.parse(point.t)))).toBeLessThan(100);
      expect(point.lower).toBeLessThanOrEqual(point.value);
      expect(point.upper).toBeGreaterThanOrEqual(point.value);
    }
    const bad = await query(httpEvent('GET', '/v1/forecasts', { query: { metric: 'web_vitals_lcp', horizon_hours: '9999' } }), localContext('q'));
    expect(status(bad)).toBe(400);
    expect(json(bad).message).toMatch(/horizon_hours/);
    store.close();
  });
});
