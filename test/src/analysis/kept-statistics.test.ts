import { describe, expect, it } from 'vitest';
import { decodeHistory, encodeHistory, encodeHistoryChunks, extendHistory, readStart, type KeptStatistics } from '../../../src/analysis/kept-statistics.ts';
import { ANOMALY_BUCKET_MS as B, ANOMALY_HISTORY_MS, type BucketSeries } from '../../../src/analysis/anomaly/series-anomalies.ts';
import { pairsOf, pointsOf } from '../../../src/analysis/points.ts';

const T = Date.UTC(2026, 10, 26, 12);
const series = (endpoint: string, points: [number, number][]): BucketSeries => ({
  metric: 'api_request',
  statistic: 'p95',
  dimensions: { app: 'shop', endpoint },
  points: pointsOf(points),
});
const plain = (list: readonly BucketSeries[]) => list.map((s) => ({ ...s, points: pairsOf(s.points) }));

describe('bucket history', () => {
  it('replaces buckets from the fresh read on, appends new ones, forgets the oldest, and leaves the newest unsettled', () => {
    const stored: KeptStatistics = {
      settled: T,
      series: [
        series('/a', [
          [T - 2 * B, 10],
          [T - B, 11],
          [T, 99],
        ]),
        series('/gone', [[T - ANOMALY_HISTORY_MS - B, 5]]),
      ],
    };
    const fresh = [
      series('/a', [
        [T, 12],
        [T + B, 13],
      ]),
      series('/new', [[T + B, 7]]),
    ];
    const next = extendHistory(stored, fresh, T, T + 2 * B);
    expect(next.settled).toBe(T + B);
    expect(plain(next.series)).toEqual(
      plain([
        series('/a', [
          [T - 2 * B, 10],
          [T - B, 11],
          [T, 12],
          [T + B, 13],
        ]),
        series('/new', [[T + B, 7]]),
      ]),
    );
  });

  it('starts reading at the settled boundary, or three days back (bucket-aligned) when there is none or it is stale', () => {
    const until = T + 7 * 60_000;
    expect(readStart({ settled: T - B, series: [] }, until)).toBe(T - B);
    const floor = readStart(undefined, until);
    expect(floor % B).toBe(0);
    expect(until - floor).toBeGreaterThanOrEqual(ANOMALY_HISTORY_MS);
    expect(readStart({ settled: until - ANOMALY_HISTORY_MS - 2 * B, series: [] }, until)).toBe(floor);
  });

  it('round-trips through its compact form, gaps included, at float32 precision', () => {
    const history: KeptStatistics = {
      settled: T,
      series: [
        series('/a', [
          [T - 5 * B, 123.456],
          [T - 2 * B, 0.001],
          [T - B, 98765.4],
        ]),
        series('/b', [[T, 1]]),
      ],
    };
    // In chunks of one series, two or all, the pieces make the same text.
    for (const size of [1, 2, 500]) expect([...encodeHistoryChunks(history, size)].join('')).toBe(encodeHistory(history));
    expect(decodeHistory(encodeHistory({ settled: T, series: [] }))).toEqual({ settled: T, series: [] });
    const decoded = decodeHistory(encodeHistory(history));
    expect(decoded.settled).toBe(T);
    expect(decoded.series.map((s) => [...s.points.times])).toEqual(history.series.map((s) => [...s.points.times]));
    for (const [i, [, v]] of plain(decoded.series)
      .flatMap((s) => s.points)
      .entries()) {
      expect(v).toBeCloseTo(plain(history.series).flatMap((s) => s.points)[i]![1], 2);
    }
    expect(() => decodeHistory('{"v":2}')).toThrow(/v2 shape/);
    expect(() => decodeHistory('{"v":3,"settled":1,"series":[]}')).toThrow(/v2 shape/);
    // A file from the 15-minute version keeps its hours and drops its buckets, to be re-read.
    const v1 = JSON.parse(encodeHistory(history));
    v1.v = 1;
    expect(decodeHistory(JSON.stringify(v1))).toEqual({ settled: 0, series: [] });
  });
});
