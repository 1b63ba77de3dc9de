import { emptyPartial, mergeInto, type PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { summarize, type AggregatePoint } from '../aggregation/summarize.ts';

export interface Series {
  dimensions: Record<string, string>;
  points: AggregatePoint[];
}

/** How points are cut: `{ stepMs }` buckets aligned to the epoch (one minute by default), or one `total` from `from`. */
export type Bucketing = { stepMs: number } | { total: { from: number } };

/** Thrown by `buildSeries` when the answer would hold more points than the caller allows. */
export class TooManyPoints extends Error {
  constructor(readonly limit: number) {
    super(`the answer would hold more than ${limit} points`);
  }
}

/**
 * Merges stored partials into one point per step, per value of `groupBy` (or all together).
 * Series lacking the grouped dimension are left out: they have no value to be grouped under.
 * Partials are consumed one at a time, so only the points are held; `maxPoints` bounds those.
 */
export function buildSeries(partials: Iterable<PartialAggregate>, groupBy?: string, bucketing: Bucketing = { stepMs: 60_000 }, maxPoints = Infinity): Series[] {
  let points = 0;
  const bucketOf = 'total' in bucketing ? () => bucketing.total.from : (t: number) => Math.floor(t / bucketing.stepMs) * bucketing.stepMs;
  const groups = new Map<string, Map<number, PartialAggregate>>();
  for (const partial of partials) {
    let groupValue = '';
    if (groupBy !== undefined) {
      const value = partial.dimensions[groupBy];
      if (value === undefined) continue;
      groupValue = value;
    }
    let windows = groups.get(groupValue);
    if (!windows) groups.set(groupValue, (windows = new Map()));
    const windowStart = bucketOf(partial.windowStart);
    let merged = windows.get(windowStart);
    if (!merged) {
      if (++points > maxPoints) throw new TooManyPoints(maxPoints);
      windows.set(windowStart, (merged = emptyPartial(partial.metric, windowStart, {})));
    }
    mergeInto(merged, partial);
  }
  if (groupBy === undefined && groups.size === 0) return [{ dimensions: {}, points: [] }];
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([groupValue, windows]) => ({
      dimensions: groupBy !== undefined ? { [groupBy]: groupValue } : {},
      points: [...windows.values()].sort((a, b) => a.windowStart - b.windowStart).map(summarize),
    }));
}
