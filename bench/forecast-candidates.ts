import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, MSTL } from '@bsull/augurs/mstl';
import type { CsvPoint } from '../src/analysis/series-csv.ts';
import type { ForecastPoint } from '../src/analysis/forecast/seasonal-profile.ts';

// The forecasters the evaluation compares with the production one, and the series preparation it needs.

/**
 * Grafana's augurs (Rust compiled to WebAssembly): MSTL decomposition with an AutoETS trend, with
 * 95 % intervals. The module is compiled once, from the package's own .wasm file.
 */
export function loadMstl() {
  const require = createRequire(import.meta.url);
  initSync({ module: readFileSync(require.resolve('@bsull/augurs/mstl').replace(/mstl\.js$/, 'mstl_bg.wasm')) });
  return (values: readonly number[], stepMs: number, lastTime: number, horizon: number): ForecastPoint[] => {
    const perDay = Math.round(86_400_000 / stepMs);
    const periods = values.length >= 3 * 7 * perDay ? [perDay, 7 * perDay] : [perDay];
    const model = MSTL.ets(periods);
    try {
      model.fit(Float64Array.from(values));
      const forecast = model.predict(horizon, 0.95);
      return forecast.point.map((value, h) => ({
        time: lastTime + (h + 1) * stepMs,
        value,
        lower: forecast.intervals?.lower[h] ?? value,
        upper: forecast.intervals?.upper[h] ?? value,
      }));
    } finally {
      model.free();
    }
  };
}

/** Forecasts `horizon` hourly steps after the training values (the last one at `lastTime`). */
export type Forecaster = (values: readonly number[], lastTime: number, horizon: number) => ForecastPoint[];

/**
 * Per series, the forecaster that did best on the series' own recent past: each candidate is fitted
 * without the last `horizon` points and scored (MAE) on them, and the winner is refitted on all.
 * Series too short to hold a backtest out use the first candidate.
 */
export function forecastByBacktest(candidates: readonly Forecaster[], minTrain = 7 * 24): Forecaster {
  return (values, lastTime, horizon) => {
    const holdout = Math.min(horizon, Math.floor(values.length / 4));
    if (candidates.length === 1 || values.length - holdout < minTrain) return candidates[0]!(values, lastTime, horizon);
    const train = values.slice(0, values.length - holdout);
    const actual = values.slice(values.length - holdout);
    const errors = candidates.map((forecast) =>
      forecast(train, lastTime - holdout * 3_600_000, holdout).reduce((n, p, h) => n + Math.abs(p.value - actual[h]!), 0),
    );
    const best = errors.indexOf(Math.min(...errors));
    return candidates[best]!(values, lastTime, horizon);
  };
}

/** The mean of the candidates' forecasts, point by point; the interval is the mean of their bounds. */
export function blend(candidates: readonly Forecaster[]): Forecaster {
  return (values, lastTime, horizon) => {
    const forecasts = candidates.map((forecast) => forecast(values, lastTime, horizon));
    const mean = (pick: (p: ForecastPoint) => number, h: number) => forecasts.reduce((n, f) => n + pick(f[h]!), 0) / forecasts.length;
    return forecasts[0]!.map((p, h) => ({ time: p.time, value: mean((q) => q.value, h), lower: mean((q) => q.lower, h), upper: mean((q) => q.upper, h) }));
  };
}

const HOUR = 3_600_000;

/** A series as the scheduled forecasts see it: the mean of each clock hour, gaps carried forward. */
export function hourlyMeans(points: readonly CsvPoint[]): [number, number][] {
  const sums = new Map<number, { sum: number; count: number }>();
  for (const p of points) {
    const hour = Math.floor(p.time / HOUR) * HOUR;
    const entry = sums.get(hour) ?? { sum: 0, count: 0 };
    entry.sum += p.value;
    entry.count += 1;
    sums.set(hour, entry);
  }
  const hours = [...sums.keys()].sort((a, b) => a - b);
  const series: [number, number][] = [];
  if (hours.length === 0) return series;
  let last = sums.get(hours[0]!)!;
  for (let t = hours[0]!; t <= hours.at(-1)!; t += HOUR) {
    last = sums.get(t) ?? last;
    series.push([t, last.sum / last.count]);
  }
  return series;
}

/** Autocorrelation at a lag of one day (24 hourly points): how strongly the series repeats daily. */
export function dailyAutocorrelation(values: readonly number[], lag = 24): number {
  const n = values.length;
  if (n <= lag + 1) return Number.NaN;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    denominator += d * d;
    if (i >= lag) numerator += d * (values[i - lag]! - mean);
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}
