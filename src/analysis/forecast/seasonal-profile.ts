import { quantileSorted } from '../anomaly/robust.ts';

export interface ForecastPoint {
  time: number;
  value: number;
  lower: number;
  upper: number;
}

export interface ForecastOptions {
  /** Periods (weeks, or days when history is short) the profile is the median of. */
  periods?: number;
  /** Central prediction interval (0.95: 2.5 % to 97.5 %). */
  interval?: number;
  /** Share of the last day's offset from its profile carried into the forecast. */
  offsetWeight?: number;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/**
 * Forecasts `horizon` steps after the last training point with daily and weekly seasonality:
 * the median of the same slot of the week over the last eight weeks (robust to an odd week), or
 * of the day when there are under two weeks of history, shifted by half of how far the last day
 * ran above or below its own profile (all of it overreacts to one odd day). Prediction intervals come from the same model's errors on
 * the most recent period of the training data, so they are as wide as it actually misses.
 */
export function forecastSeasonal(values: readonly number[], stepMs: number, lastTime: number, horizon: number, options: ForecastOptions = {}): ForecastPoint[] {
  if (values.length === 0) throw new Error('no training data');
  if (!(stepMs > 0)) throw new Error('the series needs a regular step');
  const perDay = Math.max(1, Math.round(DAY / stepMs));
  const perWeek = Math.round(WEEK / stepMs);
  const period = values.length >= 2 * perWeek ? perWeek : values.length >= 2 * perDay ? perDay : 1;
  const periods = options.periods ?? 8;
  const tail = (1 - (options.interval ?? 0.95)) / 2;

  /** The profile value for absolute index i, from the periods before `end`. */
  const profileAt = (i: number, end: number): number => {
    const same: number[] = [];
    for (let k = 1; k <= periods; k++) {
      const j = i - k * period;
      if (j < 0) break;
      if (j < end) same.push(values[j]!);
    }
    if (same.length === 0) return values[end - 1]!;
    same.sort((a, b) => a - b);
    return quantileSorted(same, 0.5);
  };

  const n = values.length;
  const levelWindow = Math.min(perDay, Math.max(1, n - period));
  const offsets: number[] = [];
  for (let i = n - levelWindow; i < n; i++) offsets.push(values[i]! - profileAt(i, i));
  offsets.sort((a, b) => a - b);
  const offsetWeight = options.offsetWeight ?? 0.5;
  const offset = offsets.length ? offsetWeight * quantileSorted(offsets, 0.5) : 0;

  // Errors of the same recipe (profile + last-day offset) over the last period, at all lead times.
  const errors: number[] = [];
  const backtestStart = Math.max(period + levelWindow, n - period);
  for (let i = backtestStart; i < n; i++) {
    const origin = Math.max(levelWindow, i - Math.min(horizon, period));
    const pastOffsets: number[] = [];
    for (let j = origin - levelWindow; j < origin; j++) pastOffsets.push(values[j]! - profileAt(j, j));
    pastOffsets.sort((a, b) => a - b);
    errors.push(values[i]! - (profileAt(i, origin) + offsetWeight * quantileSorted(pastOffsets, 0.5)));
  }
  errors.sort((a, b) => a - b);
  const low = errors.length ? quantileSorted(errors, tail) : 0;
  const high = errors.length ? quantileSorted(errors, 1 - tail) : 0;

  const points: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const i = n + h - 1;
    const value = profileAt(i, n) + offset;
    points.push({ time: lastTime + h * stepMs, value, lower: value + low, upper: value + high });
  }
  return points;
}

/** The seasonal-naive forecast: the same time one week ago (one day ago when history is short). */
export function forecastSeasonalNaive(values: readonly number[], stepMs: number, horizon: number): number[] {
  const perDay = Math.max(1, Math.round(DAY / stepMs));
  const perWeek = Math.round(WEEK / stepMs);
  const period = values.length >= perWeek ? perWeek : perDay;
  return Array.from({ length: horizon }, (_, h) => values[values.length - period + (h % period)] ?? values.at(-1)!);
}
