import { forecastSeasonal, forecastSeasonalNaive, type ForecastPoint } from './seasonal-profile.ts';

/** A forecaster as the backtest compares them: point forecasts for `horizon` steps after the history. */
export type PointForecaster = (values: readonly number[], stepMs: number, lastTime: number, horizon: number) => number[];

/** The models each series chooses from; seasonal naive is the baseline every ratio is against. */
export const FORECAST_MODELS: Readonly<Record<string, PointForecaster>> = {
  'seasonal naive': (values, stepMs, _lastTime, horizon) => forecastSeasonalNaive(values, stepMs, horizon),
  'seasonal profile': (values, stepMs, lastTime, horizon) => forecastSeasonal(values, stepMs, lastTime, horizon).map((p) => p.value),
};
const BASELINE = 'seasonal naive';

export const MODEL_CHOICE = {
  /** Forecast origins in the backtest, one a day before the end: four days of one-day-ahead errors. */
  origins: 4,
  /** Steps each backtest origin forecasts (a day of hours). */
  backtestSteps: 24,
  /** Training the earliest origin needs: two days, so the daily views have a previous day. */
  minTrainSteps: 48,
  /** The interval's nominal coverage: the share of backtest errors it holds. */
  coverage: 0.9,
} as const;

export interface ChosenForecast {
  /** The model the backtest chose, or why there was no choice. */
  model: string;
  /** The chosen model's backtest MAE over seasonal naive's on the same points; null without a backtest. */
  ratio: number | null;
  /** Why the forecast is a fallback, when it is one. */
  note?: string;
  points: ForecastPoint[];
}

/**
 * Forecasts with the model that did best on the series' own recent past: at each of the last few
 * days, every model is trained on what came before and scored on that day (a rolling-origin
 * backtest); the lowest mean absolute error wins, seasonal naive on a tie. The interval around
 * each point is split-conformal: as wide as the chosen model's backtest errors needed to be to hold
 * `coverage` of them, so the stated coverage is what the model achieved, not what a formula
 * assumes. Too short a history for a backtest gets the last values carried forward with an
 * interval spanning their whole range, and says so.
 */
export function forecastByBacktest(values: readonly number[], stepMs: number, lastTime: number, horizon: number): ChosenForecast {
  const { origins, backtestSteps, minTrainSteps } = MODEL_CHOICE;
  const firstOrigin = values.length - origins * backtestSteps;
  if (values.length === 0) return { model: 'none', ratio: null, note: 'no history', points: [] };
  if (firstOrigin < minTrainSteps) return notEnoughHistory(values, stepMs, lastTime, horizon);
  const errors: Record<string, number[]> = {};
  for (let origin = firstOrigin; origin < values.length; origin += backtestSteps) {
    const train = values.slice(0, origin);
    const actual = values.slice(origin, origin + backtestSteps);
    const trainEnd = lastTime - (values.length - origin) * stepMs;
    for (const [name, model] of Object.entries(FORECAST_MODELS)) {
      const predicted = model(train, stepMs, trainEnd, actual.length);
      (errors[name] ??= []).push(...actual.map((a, h) => a - predicted[h]!));
    }
  }
  const mae = (name: string) => errors[name]!.reduce((n, e) => n + Math.abs(e), 0) / errors[name]!.length;
  const model = Object.keys(FORECAST_MODELS).reduce((best, name) => (mae(name) < mae(best) ? name : best), BASELINE);
  const baseline = mae(BASELINE);
  const ratio = baseline === 0 ? (mae(model) === 0 ? 1 : null) : mae(model) / baseline;
  const width = conformalWidth(errors[model]!, MODEL_CHOICE.coverage);
  const forecast = FORECAST_MODELS[model]!(values, stepMs, lastTime, horizon);
  return {
    model,
    ratio,
    points: forecast.map((value, h) => ({ time: lastTime + (h + 1) * stepMs, value, lower: value - width, upper: value + width })),
  };
}

/** The smallest absolute error that at least `coverage` of n errors stay within, counting the new point as split conformal does. */
export function conformalWidth(errors: readonly number[], coverage: number): number {
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.ceil((sorted.length + 1) * coverage));
  return sorted[rank - 1] ?? 0;
}

function notEnoughHistory(values: readonly number[], stepMs: number, lastTime: number, horizon: number): ChosenForecast {
  const low = Math.min(...values);
  const high = Math.max(...values);
  // Never a zero-width band: a flat or one-point history still says how little is known.
  const spread = Math.max(high - low, Math.abs(values.at(-1)!) * 0.5, Number.EPSILON);
  const forecast = FORECAST_MODELS[BASELINE]!(values, stepMs, lastTime, horizon);
  return {
    model: BASELINE,
    ratio: null,
    note: `not enough history: ${values.length} points, a backtest needs ${MODEL_CHOICE.minTrainSteps + MODEL_CHOICE.origins * MODEL_CHOICE.backtestSteps}`,
    points: forecast.map((value, h) => ({
      time: lastTime + (h + 1) * stepMs,
      value,
      lower: Math.min(value, low) - spread,
      upper: Math.max(value, high) + spread,
    })),
  };
}
