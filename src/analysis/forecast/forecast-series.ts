import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize } from '../../aggregation/summarize.ts';
import { statisticOf } from '../anomaly/series-anomalies.ts';
import { forecastSeasonal, type ForecastPoint } from './seasonal-profile.ts';

export const FORECAST_STEP_MS = 3_600_000;
/** Four weeks: the weekly profile needs two, and the query API reads at most 31 days. */
export const FORECAST_HISTORY_MS = 28 * 86_400_000;

export interface SeriesForecast {
  metric: string;
  statistic: string;
  history: { t: string; value: number }[];
  forecast: { t: string; value: number; lower: number; upper: number }[];
}

/**
 * Forecasts one metric (all matching series merged) hour by hour: complete hours of history, gaps
 * carried forward so the daily and weekly slots stay aligned, then the seasonal forecaster.
 */
export function forecastMetric(metric: string, partials: readonly PartialAggregate[], until: number, horizonHours: number): SeriesForecast {
  const statistic = statisticOf(metric);
  const hours = new Map<number, PartialAggregate>();
  for (const partial of partials) {
    const hour = Math.floor(partial.windowStart / FORECAST_STEP_MS) * FORECAST_STEP_MS;
    if (hour + FORECAST_STEP_MS > until) continue;
    let merged = hours.get(hour);
    if (!merged) hours.set(hour, (merged = emptyPartial(metric, hour, {})));
    mergeInto(merged, partial);
  }
  const times = [...hours.keys()].sort((a, b) => a - b);
  const history: { t: string; value: number }[] = [];
  const values: number[] = [];
  if (times.length > 0) {
    let last = statistic.of(summarize(hours.get(times[0]!)!));
    for (let t = times[0]!; t <= times.at(-1)!; t += FORECAST_STEP_MS) {
      const partial = hours.get(t);
      if (partial) last = statistic.of(summarize(partial));
      values.push(last);
      history.push({ t: new Date(t).toISOString(), value: last });
    }
  }
  const forecast: ForecastPoint[] = values.length >= 2 ? forecastSeasonal(values, FORECAST_STEP_MS, times.at(-1)!, horizonHours) : [];
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    metric,
    statistic: statistic.label,
    history: history.slice(-7 * 24),
    forecast: forecast.map((f) => ({ t: new Date(f.time).toISOString(), value: round(f.value), lower: round(f.lower), upper: round(f.upper) })),
  };
}
