import { quantileSorted, weightedQuantile } from './quantiles.ts';

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
  /**
   * How many spreads of the last day's offsets their median must stand out by before most of it is
   * carried forward (3): an offset the day's points agree on is a new level, one they scatter
   * around is a day whose shape went wrong.
   */
  agreement?: number;
  /** Half-life, in days, of a point's weight in the last day's offsets (a quarter): a level shift shows within hours. */
  offsetHalfLife?: number;
  /** Carry this fixed share of the median offset instead (the evaluation's earlier recipe used 0.5). */
  offsetWeight?: number;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/**
 * Forecasts `horizon` steps after the last training point with daily and weekly seasonality:
 * the median of the same slot of the week over the last eight weeks (robust to an odd week), or
 * of the day when there are under two weeks of history, shifted by how far the last day ran above
 * or below its own profile. That offset is carried in proportion to how much the day's points
 * agree on it, recent hours weighing most: a level shift is followed within hours, while a day
 * whose shape went wrong (a flat day, an outage) does not drag tomorrow's forecast. Prediction
 * intervals come from the same model's errors on the most recent period of the training data, so
 * they are as wide as it actually misses.
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
  const agreement = options.agreement ?? 3;
  const halfLife = (options.offsetHalfLife ?? 0.25) * perDay;
  // Each point's offset from its own profile, computed once: the backtest's days overlap.
  const ownOffsets: number[] = [];
  const ownOffset = (j: number) => (ownOffsets[j] ??= values[j]! - profileAt(j, j));
  /** The last day's offset from its profile before `end`, shrunk by how widely its points scatter around it. */
  const carriedOffset = (end: number): number => {
    const offsets: [offset: number, weight: number][] = [];
    for (let j = end - levelWindow; j < end; j++) offsets.push([ownOffset(j), 0.5 ** ((end - 1 - j) / halfLife)]);
    if (offsets.length === 0) return 0;
    offsets.sort((a, b) => a[0] - b[0]);
    const median = weightedQuantile(offsets, 0.5);
    if (options.offsetWeight !== undefined) return options.offsetWeight * median;
    // Interquartile range as a spread: a median absolute deviation is 0 when most points agree and the rest are far off.
    const spread = (weightedQuantile(offsets, 0.75) - weightedQuantile(offsets, 0.25)) / 1.349;
    const signal = median * median;
    return signal === 0 ? 0 : (median * signal) / (signal + (agreement * spread) ** 2);
  };
  const offset = carriedOffset(n);

  // Errors of the same recipe (profile + carried offset) over the last period, at all lead times.
  const errors: number[] = [];
  const backtestStart = Math.max(period + levelWindow, n - period);
  for (let i = backtestStart; i < n; i++) {
    const origin = Math.max(levelWindow, i - Math.min(horizon, period));
    errors.push(values[i]! - (profileAt(i, origin) + carriedOffset(origin)));
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
