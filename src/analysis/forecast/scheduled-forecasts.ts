import type { PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { forecastHourly, type SeriesForecast } from './forecast-series.ts';
import { foldIntoHours, topByVolume, type HourlyStatistics } from './hourly-statistics.ts';
import type { BucketSeries } from '../anomaly/series-anomalies.ts';
import { pairsOf } from '../points.ts';

export { FORECAST_METRICS } from './hourly-statistics.ts';
/** A week ahead: long enough to see a weekly cycle coming, short enough to stay accurate. */
export const FORECAST_HORIZON_HOURS = 168;

export interface StoredForecast extends SeriesForecast {
  key: string;
  dimensions: Record<string, string>;
  fittedAt: string;
}

export const forecastKey = (metric: string, dimensions: Readonly<Record<string, string>>) =>
  `${metric}|${JSON.stringify(Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1))))}`;

/** Endpoints and pages forecast per app and metric: the busiest, by occurrences over the kept weeks. */
export const FORECAST_TOP = 10;

/** The hourly statistics of the partials' complete hours before `until`, as the job would have kept them. */
export const hourlyFromPartials = (partials: readonly PartialAggregate[], until: number): HourlyStatistics =>
  foldIntoHours(undefined, partials, until, Infinity);

/**
 * One forecast per (metric, app), and per app's `FORECAST_TOP` busiest endpoints (requests) and
 * pages (web vitals), from the hourly statistics the job keeps (see hourly-statistics.ts).
 */
export function fitFromHourly(hourly: Pick<HourlyStatistics, 'series' | 'volumes'>, until: number): StoredForecast[] {
  const fittedAt = new Date(until).toISOString();
  const top = new Set(topByVolume(hourly.volumes ?? [], FORECAST_TOP).map((v) => forecastKey(v.metric, v.dimensions)));
  const chosen = hourly.series.filter((s: BucketSeries) => Object.keys(s.dimensions).length === 1 || top.has(forecastKey(s.metric, s.dimensions)));
  return chosen
    .map((s) => ({
      key: forecastKey(s.metric, s.dimensions),
      dimensions: { ...s.dimensions },
      fittedAt,
      ...forecastHourly(s.metric, s.statistic, pairsOf(s.points), FORECAST_HORIZON_HOURS),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
