import type { PartialAggregate, RatingCounts } from './partial-aggregate.ts';

export const REPORTED_QUANTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

export interface AggregatePoint {
  t: string;
  count: number;
  sum: number;
  avg: number;
  min: number;
  max: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  ratings?: RatingCounts;
}

/** The numbers a user sees for one merged window. */
export function summarize(partial: PartialAggregate): AggregatePoint {
  const point: AggregatePoint = {
    t: new Date(partial.windowStart).toISOString(),
    count: partial.count,
    // Count, sum, min and max are exact (the double-precision sum of the stored values), so a
    // client that multiplies or re-adds them gets the same totals the store holds.
    sum: partial.sum,
    avg: partial.sum / partial.count,
    min: partial.min,
    max: partial.max,
    p50: 0,
    p75: 0,
    p90: 0,
    p95: 0,
    p99: 0,
  };
  for (const [label, q] of REPORTED_QUANTILES) {
    // The sketch answers with its bin's representative value, which can sit just outside the
    // observed range; the true quantile never does, so clamping only makes it more accurate.
    const estimate = partial.sketch.getValueAtQuantile(q);
    point[label] = round(Math.min(partial.max, Math.max(partial.min, estimate)));
  }
  if (partial.ratings) point.ratings = { ...partial.ratings };
  return point;
}

/** Percentiles are 1 %-accurate estimates: digits past the seventh are noise, not information. */
const round = (value: number): number => (Number.isFinite(value) ? Number(value.toPrecision(7)) : value);
