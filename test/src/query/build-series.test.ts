import { describe, expect, it } from 'vitest';
import { addValue, emptyPartial } from '../../../src/aggregation/partial-aggregate.ts';
import { buildSeries } from '../../../src/query/build-series.ts';

const HOUR = Date.UTC(2026, 10, 26, 14);
const minute = (m: number, values: number[], endpoint = '/a') => {
  const partial = emptyPartial('api_request', HOUR + m * 60_000, { endpoint });
  for (const v of values) addValue(partial, v);
  return partial;
};

describe('buildSeries steps', () => {
  const partials = [minute(1, [10, 20]), minute(7, [30]), minute(16, [40, 50, 60]), minute(59, [70], '/b')];

  it('cuts points at the asked width, aligned to the epoch, with exact counts', () => {
    const counts = (stepMs: number) => buildSeries(partials, undefined, { stepMs })[0]!.points.map((p) => [p.t.slice(11, 16), p.count]);
    expect(counts(60_000)).toEqual([
      ['14:01', 2],
      ['14:07', 1],
      ['14:16', 3],
      ['14:59', 1],
    ]);
    expect(counts(300_000)).toEqual([
      ['14:00', 2],
      ['14:05', 1],
      ['14:15', 3],
      ['14:55', 1],
    ]);
    expect(counts(900_000)).toEqual([
      ['14:00', 3],
      ['14:15', 3],
      ['14:45', 1],
    ]);
    expect(counts(3_600_000)).toEqual([['14:00', 7]]);
  });

  it('keeps groups apart at any width, and a total starts at the range start', () => {
    expect(buildSeries(partials, 'endpoint', { stepMs: 3_600_000 }).map((s) => [s.dimensions.endpoint, s.points[0]!.count, s.points[0]!.max])).toEqual([
      ['/a', 6, 60],
      ['/b', 1, 70],
    ]);
    const [total] = buildSeries(partials, undefined, { total: { from: HOUR - 60_000 } });
    expect(total!.points.map((p) => [p.t, p.count, p.min])).toEqual([[new Date(HOUR - 60_000).toISOString(), 7, 10]]);
  });
});
