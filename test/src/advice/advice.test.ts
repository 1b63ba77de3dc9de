import { describe, expect, it } from 'vitest';
import { aggregateRecords } from '../../../src/aggregation/aggregate-records.ts';
import { adviseFrom } from '../../../src/advice/advice.ts';
import type { StreamMetric } from '@vitalstream/protocol/stream';

const T = Date.UTC(2026, 10, 26, 19, 0, 0);
const partials = (metrics: StreamMetric[]) => aggregateRecords([{ v: 1, beaconId: 'b', receivedAt: T, common: { app: 'shop' }, metrics }]);
const query = (fingerprint: string, value: number): StreamMetric => ({
  name: 'database_query',
  value,
  timestamp: T,
  source: 'database',
  dimensions: { fingerprint, table: 'orders' },
});

describe('optimization advice', () => {
  it('merges the partials in one pass as they are read, so a store can hand them over one at a time', () => {
    const read = partials([
      query('SELECT * FROM orders WHERE note LIKE ?', 6200),
      { name: 'cache_hit_rate', value: 0.35, timestamp: T, source: 'server', dimensions: { cache: 'redis', key_prefix: 'session' } },
      ...Array.from({ length: 20 }, () => ({
        name: 'api_request',
        value: 2500,
        timestamp: T,
        source: 'server' as const,
        dimensions: { method: 'GET', endpoint: '/slow' },
      })),
    ]);
    let passes = 0;
    // A source that can be read only once, as a store's cursor: a second pass would find nothing.
    const once = {
      *[Symbol.iterator]() {
        passes += 1;
        if (passes === 1) yield* read;
      },
    };
    expect(adviseFrom(once).map((a) => a.rule)).toEqual(['slow_queries', 'cache_miss_rate', 'api_response_time']);
    expect(passes).toBe(1);
  });

  it('ranks query shapes by total time, with their p95, when any ran slow', () => {
    const advice = adviseFrom(
      partials([
        ...Array.from({ length: 50 }, () => query('SELECT * FROM orders WHERE user_id = ?', 40)),
        query('SELECT * FROM orders WHERE note LIKE ?', 6200),
        query('SELECT * FROM orders WHERE note LIKE ?', 5800),
      ]),
    );
    expect(advice.map((a) => [a.rule, a.severity])).toEqual([['slow_queries', 'warning']]);
    expect(advice[0]!.evidence.map((e) => [e.fingerprint, e.calls])).toEqual([
      ['SELECT * FROM orders WHERE note LIKE ?', 2],
      ['SELECT * FROM orders WHERE user_id = ?', 50],
    ]);
    expect(advice[0]!.recommendation).toMatch(/EXPLAIN/);
  });

  it('names cache prefixes under 80 % and endpoints over 2 s at p95, worst first', () => {
    const advice = adviseFrom(
      partials([
        { name: 'cache_hit_rate', value: 0.35, timestamp: T, source: 'server', dimensions: { cache: 'redis', key_prefix: 'session' } },
        { name: 'cache_hit_rate', value: 0.7, timestamp: T, source: 'server', dimensions: { cache: 'redis', key_prefix: 'user' } },
        { name: 'cache_hit_rate', value: 0.95, timestamp: T, source: 'server', dimensions: { cache: 'redis', key_prefix: 'product' } },
        ...Array.from({ length: 20 }, (_, i) => ({
          name: 'api_request',
          value: 2500 + i * 10,
          timestamp: T,
          source: 'server' as const,
          dimensions: { method: 'GET', endpoint: '/api/report' },
        })),
        ...Array.from({ length: 20 }, () => ({
          name: 'api_request',
          value: 80,
          timestamp: T,
          source: 'server' as const,
          dimensions: { method: 'GET', endpoint: '/api/cart' },
        })),
      ]),
    );
    expect(advice.map((a) => a.rule)).toEqual(['cache_miss_rate', 'api_response_time']);
    expect(advice[0]!.evidence.map((e) => e.key_prefix)).toEqual(['session', 'user']);
    expect(advice[1]!.evidence.map((e) => e.endpoint)).toEqual(['/api/report']);
  });

  it('has nothing to say about a healthy system', () => {
    expect(adviseFrom(partials([query('SELECT ?', 3)]))).toEqual([]);
  });
});
