import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize } from '../../aggregation/summarize.ts';
import { statisticOf, type BucketSeries } from '../anomaly/series-anomalies.ts';
import { FORECAST_HISTORY_MS, FORECAST_STEP_MS } from './forecast-series.ts';

/**
 * What the forecasts are fitted on, kept between runs: per metric and app, the statistic of each
 * complete hour (four weeks), and the hours still filling as merged partials. Each run folds in
 * the minutes it settled, so a refit needs no read of four weeks of partials.
 */
export interface HourlyStatistics {
  /** The hour still filling per (metric, app): the settled minutes merged so far. */
  open: PartialAggregate[];
  series: BucketSeries[];
}

/** What the scheduled job forecasts, per app: what the dashboard draws and people plan capacity on. */
export const FORECAST_METRICS = ['api_request', 'database_query', 'web_vitals_lcp', 'web_vitals_inp', 'web_vitals_cls'] as const;
const forecasted = new Set<string>(FORECAST_METRICS);

/** Folds partials of minutes now settled (each folded once, before `settledUntil`) into the hours, and closes the hours that are complete. */
export function foldIntoHours(state: HourlyStatistics | undefined, settled: readonly PartialAggregate[], settledUntil: number, keepMs = FORECAST_HISTORY_MS): HourlyStatistics {
  const open = new Map<string, PartialAggregate>();
  const keyOf = (metric: string, app: string, hour: number) => `${metric}|${app}|${hour}`;
  for (const p of state?.open ?? []) open.set(keyOf(p.metric, p.dimensions.app!, p.windowStart), p);
  for (const partial of settled) {
    const app = partial.dimensions.app;
    if (app === undefined || !forecasted.has(partial.metric) || partial.windowStart >= settledUntil) continue;
    const hour = Math.floor(partial.windowStart / FORECAST_STEP_MS) * FORECAST_STEP_MS;
    const key = keyOf(partial.metric, app, hour);
    let merged = open.get(key);
    if (!merged) open.set(key, (merged = emptyPartial(partial.metric, hour, { app })));
    mergeInto(merged, partial);
  }
  const series = new Map<string, BucketSeries>();
  for (const s of state?.series ?? []) series.set(`${s.metric}|${s.dimensions.app}`, { ...s, points: [...s.points] });
  const closing = [...open.entries()].filter(([, p]) => p.windowStart + FORECAST_STEP_MS <= settledUntil).sort(([, a], [, b]) => a.windowStart - b.windowStart);
  for (const [key, partial] of closing) {
    open.delete(key);
    const id = `${partial.metric}|${partial.dimensions.app}`;
    const statistic = statisticOf(partial.metric);
    let s = series.get(id);
    if (!s) series.set(id, (s = { metric: partial.metric, statistic: statistic.label, dimensions: { app: partial.dimensions.app! }, points: [] }));
    s.points.push([partial.windowStart, statistic.of(summarize(partial))]);
  }
  const oldest = settledUntil - keepMs;
  return {
    open: [...open.values()],
    series: [...series.values()].map((s) => ({ ...s, points: s.points.filter(([t]) => t >= oldest) })).filter((s) => s.points.length > 0),
  };
}
