import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize } from '../../aggregation/summarize.ts';
import { statisticOf, type BucketSeries } from '../anomaly/series-anomalies.ts';
import { pairsOf, pointsOf } from '../points.ts';
import { FORECAST_HISTORY_MS, FORECAST_STEP_MS } from './forecast-series.ts';

/**
 * What the forecasts are fitted on, kept between runs: the statistic of each complete hour (four
 * weeks) per metric and app, and per app's busiest endpoints (requests) and pages (web vitals);
 * the hours still filling as merged partials. Each run folds in the minutes it settled, so a
 * refit needs no read of four weeks of partials.
 */
export interface HourlyStatistics {
  /** The hour still filling per group: the settled minutes merged so far. */
  open: PartialAggregate[];
  series: BucketSeries[];
  /** Occurrences per closed hour of each endpoint and page group, which rank them by volume. */
  volumes?: BucketSeries[];
}

/** What the scheduled job forecasts, per app: what the dashboard draws and people plan capacity on. */
export const FORECAST_METRICS = ['api_request', 'database_query', 'web_vitals_lcp', 'web_vitals_inp', 'web_vitals_cls'] as const;
const forecasted = new Set<string>(FORECAST_METRICS);

/**
 * Endpoints and pages kept per app and metric, by volume over the kept weeks. More than are
 * forecast (`FORECAST_TOP`), so one that grows can climb into the forecasts; the rest are
 * dropped, which bounds what is kept whatever the number of routes.
 */
export const TRACKED_PER_APP = 50;

/** The dimension beside `app` a metric is also forecast by: requests per endpoint, web vitals per page. */
export function detailOf(metric: string): 'endpoint' | 'page' | undefined {
  return metric === 'api_request' ? 'endpoint' : metric.startsWith('web_vitals_') ? 'page' : undefined;
}

const groupsOf = (partial: PartialAggregate): Record<string, string>[] => {
  const app = partial.dimensions.app!;
  const detail = detailOf(partial.metric);
  const value = detail ? partial.dimensions[detail] : undefined;
  return value === undefined ? [{ app }] : [{ app }, { app, [detail!]: value }];
};
const idOf = (metric: string, dimensions: Readonly<Record<string, string>>) => `${metric}|${JSON.stringify(dimensions)}`;

/** Folds partials of minutes now settled (each folded once, before `settledUntil`) into the hours, and closes the hours that are complete. */
export function foldIntoHours(
  state: HourlyStatistics | undefined,
  settled: readonly PartialAggregate[],
  settledUntil: number,
  keepMs = FORECAST_HISTORY_MS,
): HourlyStatistics {
  const open = new Map<string, PartialAggregate>();
  const keyOf = (metric: string, dimensions: Readonly<Record<string, string>>, hour: number) => `${idOf(metric, dimensions)}|${hour}`;
  for (const p of state?.open ?? []) open.set(keyOf(p.metric, p.dimensions, p.windowStart), p);
  for (const partial of settled) {
    if (partial.dimensions.app === undefined || !forecasted.has(partial.metric) || partial.windowStart >= settledUntil) continue;
    const hour = Math.floor(partial.windowStart / FORECAST_STEP_MS) * FORECAST_STEP_MS;
    for (const dimensions of groupsOf(partial)) {
      const key = keyOf(partial.metric, dimensions, hour);
      let merged = open.get(key);
      if (!merged) open.set(key, (merged = emptyPartial(partial.metric, hour, dimensions)));
      mergeInto(merged, partial);
    }
  }
  // Hourly series are few and short: they are appended to as pairs and stored as points again below.
  type Growing = Omit<BucketSeries, 'points'> & { points: [number, number][] };
  const series = new Map<string, Growing>();
  const volumes = new Map<string, Growing>();
  for (const s of state?.series ?? []) series.set(idOf(s.metric, s.dimensions), { ...s, points: pairsOf(s.points) });
  for (const s of state?.volumes ?? []) volumes.set(idOf(s.metric, s.dimensions), { ...s, points: pairsOf(s.points) });
  const closing = [...open.entries()].filter(([, p]) => p.windowStart + FORECAST_STEP_MS <= settledUntil).sort(([, a], [, b]) => a.windowStart - b.windowStart);
  for (const [key, partial] of closing) {
    open.delete(key);
    const id = idOf(partial.metric, partial.dimensions);
    const statistic = statisticOf(partial.metric);
    let s = series.get(id);
    if (!s) series.set(id, (s = { metric: partial.metric, statistic: statistic.label, dimensions: { ...partial.dimensions }, points: [] }));
    s.points.push([partial.windowStart, statistic.of(summarize(partial))]);
    if (Object.keys(partial.dimensions).length > 1) {
      let v = volumes.get(id);
      if (!v) volumes.set(id, (v = { metric: partial.metric, statistic: 'count', dimensions: { ...partial.dimensions }, points: [] }));
      v.points.push([partial.windowStart, partial.count]);
    }
  }
  const oldest = settledUntil - keepMs;
  const recent = (list: Iterable<Growing>): BucketSeries[] =>
    [...list].map((s) => ({ ...s, points: pointsOf(s.points.filter(([t]) => t >= oldest)) })).filter((s) => s.points.times.length > 0);
  const keptVolumes = topByVolume(recent(volumes.values()), TRACKED_PER_APP);
  const tracked = new Set(keptVolumes.map((v) => idOf(v.metric, v.dimensions)));
  return {
    open: [...open.values()].filter(
      (p) => Object.keys(p.dimensions).length === 1 || tracked.has(idOf(p.metric, p.dimensions)) || !volumes.has(idOf(p.metric, p.dimensions)),
    ),
    series: recent(series.values()).filter((s) => Object.keys(s.dimensions).length === 1 || tracked.has(idOf(s.metric, s.dimensions))),
    volumes: keptVolumes,
  };
}

/** Per metric, app and detail dimension, the `limit` groups with the most occurrences in their kept hours. */
export function topByVolume(volumes: readonly BucketSeries[], limit: number): BucketSeries[] {
  const byApp = new Map<string, { total: number; series: BucketSeries }[]>();
  for (const v of volumes) {
    const key = `${v.metric}|${v.dimensions.app}`;
    const total = v.points.values.reduce((n, count) => n + count, 0);
    byApp.set(key, [...(byApp.get(key) ?? []), { total, series: v }]);
  }
  return [...byApp.values()].flatMap((list) =>
    list
      .sort((a, b) => b.total - a.total || (idOf(a.series.metric, a.series.dimensions) < idOf(b.series.metric, b.series.dimensions) ? -1 : 1))
      .slice(0, limit)
      .map((e) => e.series),
  );
}
