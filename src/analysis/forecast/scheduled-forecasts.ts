import type { PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { forecastHourly, type SeriesForecast } from './forecast-series.ts';
import { foldIntoHours } from './hourly-statistics.ts';
import type { BucketSeries } from '../anomaly/series-anomalies.ts';

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

/** One forecast per (metric, app) found in the partials, fitted on their complete hours before `until`. */
export function fitScheduledForecasts(partials: readonly PartialAggregate[], until: number): StoredForecast[] {
  return fitFromHourly(foldIntoHours(undefined, partials, until, Infinity).series, until);
}

/** The same from the hourly statistics the job keeps (see hourly-statistics.ts). */
export function fitFromHourly(series: readonly BucketSeries[], until: number): StoredForecast[] {
  const fittedAt = new Date(until).toISOString();
  return series.map((s) => ({
    key: forecastKey(s.metric, s.dimensions), dimensions: { ...s.dimensions }, fittedAt, ...forecastHourly(s.metric, s.statistic, s.points, FORECAST_HORIZON_HOURS),
  })).sort((a, b) => (a.key < b.key ? -1 : 1));
}
