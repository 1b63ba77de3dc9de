import type { PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { forecastHourly, forecastMetric, type SeriesForecast } from './forecast-series.ts';
import type { BucketSeries } from '../anomaly/series-anomalies.ts';

/** What the scheduled job forecasts, per app: what the dashboard draws and people plan capacity on. */
export const FORECAST_METRICS = ['api_request', 'database_query', 'web_vitals_lcp', 'web_vitals_inp', 'web_vitals_cls'] as const;
/** The seed's horizon: a week ahead. */
export const FORECAST_HORIZON_HOURS = 168;

export interface StoredForecast extends SeriesForecast {
  key: string;
  dimensions: Record<string, string>;
  fittedAt: string;
}

export const forecastKey = (metric: string, dimensions: Readonly<Record<string, string>>) =>
  `${metric}|${JSON.stringify(Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1))))}`;

/** One forecast per (metric, app) found in the partials, fitted on everything before `until`. */
export function fitScheduledForecasts(partials: readonly PartialAggregate[], until: number): StoredForecast[] {
  const groups = new Map<string, { metric: string; app: string; partials: PartialAggregate[] }>();
  for (const partial of partials) {
    const app = partial.dimensions.app;
    if (app === undefined || !(FORECAST_METRICS as readonly string[]).includes(partial.metric)) continue;
    const key = forecastKey(partial.metric, { app });
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { metric: partial.metric, app, partials: [] }));
    group.partials.push(partial);
  }
  const fittedAt = new Date(until).toISOString();
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, { metric, app, partials: own }]) => ({
    key, dimensions: { app }, fittedAt, ...forecastMetric(metric, own, until, FORECAST_HORIZON_HOURS),
  }));
}

/** The same from the hourly statistics the job keeps (see hourly-statistics.ts). */
export function fitFromHourly(series: readonly BucketSeries[], until: number): StoredForecast[] {
  const fittedAt = new Date(until).toISOString();
  return series.map((s) => ({
    key: forecastKey(s.metric, s.dimensions), dimensions: { ...s.dimensions }, fittedAt, ...forecastHourly(s.metric, s.statistic, s.points, FORECAST_HORIZON_HOURS),
  })).sort((a, b) => (a.key < b.key ? -1 : 1));
}
