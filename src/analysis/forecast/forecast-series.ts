import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize } from '../../aggregation/summarize.ts';
import { statisticOf } from '../anomaly/series-anomalies.ts';
import { forecastByBacktest } from './model-choice.ts';
import type { ForecastPoint } from './seasonal-profile.ts';

export const FORECAST_STEP_MS = 3_600_000;
/** Four weeks: the weekly profile needs two, and the query API reads at most 31 days. */
export const FORECAST_HISTORY_MS = 28 * 86_400_000;

export interface SeriesForecast {
  metric: string;
  statistic: string;
  /** The model the series' own backtest chose, and its backtest MAE over seasonal naive's (null without a backtest). */
  model: string;
  ratio: number | null;
  /** Why the forecast is a fallback (too little history), when it is one. */
  note?: string;
  history: { t: string; value: number }[];
  forecast: { t: string; value: number; lower: number; upper: number }[];
}

/**
 * Forecasts one metric (all matching series merged) hour by hour: complete hours of history, gaps
 * carried forward so the daily and weekly slots stay aligned, then the seasonal forecaster.
 */
export function forecastMetric(metric: string, partials: Iterable<PartialAggregate>, until: number, horizonHours: number): SeriesForecast {
  const statistic = statisticOf(metric);
  const hours = new Map<number, PartialAggregate>();
  for (const partial of partials) {
    const hour = Math.floor(partial.windowStart / FORECAST_STEP_MS) * FORECAST_STEP_MS;
    if (hour + FORECAST_STEP_MS > until) continue;
    let merged = hours.get(hour);
    if (!merged) hours.set(hour, (merged = emptyPartial(metric, hour, {})));
    mergeInto(merged, partial);
  }
  const points = [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([t, p]): [number, number] => [t, statistic.of(summarize(p))]);
  return forecastHourly(metric, statistic.label, points, horizonHours);
}

/** The same from hourly statistics already taken ([hour start, value], oldest first), as the scheduled job keeps them. */
export function forecastHourly(metric: string, statistic: string, points: readonly (readonly [number, number])[], horizonHours: number): SeriesForecast {
  const history: { t: string; value: number }[] = [];
  const values: number[] = [];
  const byHour = new Map(points.map(([t, v]) => [t, v]));
  if (points.length > 0) {
    let last = points[0]![1];
    for (let t = points[0]![0]; t <= points.at(-1)![0]; t += FORECAST_STEP_MS) {
      last = byHour.get(t) ?? last;
      values.push(last);
      history.push({ t: new Date(t).toISOString(), value: last });
    }
  }
  const chosen = forecastByBacktest(values, FORECAST_STEP_MS, points.at(-1)?.[0] ?? 0, horizonHours);
  const forecast: ForecastPoint[] = chosen.points;
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    metric,
    statistic,
    model: chosen.model,
    ratio: chosen.ratio === null ? null : Number(chosen.ratio.toFixed(3)),
    ...(chosen.note ? { note: chosen.note } : {}),
    history: history.slice(-7 * 24),
    forecast: forecast.map((f) => ({ t: new Date(f.time).toISOString(), value: round(f.value), lower: round(f.lower), upper: round(f.upper) })),
  };
}
