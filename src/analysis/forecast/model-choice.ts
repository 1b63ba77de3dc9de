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
  /** Forecast origins in the backtest, a day apart, the newest one forecast's lead before the end. */
  origins: 4,
  /** Steps between origins (a day of hours). */
  originSpacing: 24,
  /** Training the earliest origin needs: two days, so the daily views have a previous day. */
  minTrainSteps: 48,
  /** The shortest lead a backtest must reach to be worth choosing by (a day of hours). */
  minLeadSteps: 24,
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
 * Forecasts with the model that did best on the series' own recent past: from each of the last
 * few days, every model is trained on what came before and forecasts as far ahead as the real
 * forecast will (a rolling-origin backtest); the lowest mean absolute error wins, seasonal naive
 * on a tie. The interval is split-conformal per day of lead: as wide as the chosen model's
 * backtest errors at that lead needed to be to hold `coverage` of them, so a week-ahead band
 * widens as its errors did and the stated coverage is what the model achieved, not what a formula
 * assumes. A history too short for the full lead backtests as far as it can (later leads keep the
 * last measured width, and the forecast says so); too short for a day gets the last values carried
 * forward with an interval spanning their whole range, and says so.
 */
export function forecastByBacktest(
  values: readonly number[],
  stepMs: number,
  lastTime: number,
  horizon: number,
  models: Readonly<Record<string, PointForecaster>> = FORECAST_MODELS,
): ChosenForecast {
  const { origins, originSpacing, minTrainSteps, minLeadSteps } = MODEL_CHOICE;
  if (values.length === 0) return { model: 'none', ratio: null, note: 'no history', points: [] };
  const lead = Math.min(horizon, values.length - minTrainSteps - (origins - 1) * originSpacing);
  if (lead < Math.min(horizon, minLeadSteps)) return notEnoughHistory(values, stepMs, lastTime, horizon);
  // errors[model][k]: the errors at lead k + 1, one per origin.
  const errors: Record<string, number[][]> = {};
  for (let o = origins - 1; o >= 0; o--) {
    const origin = values.length - lead - o * originSpacing;
    const train = values.slice(0, origin);
    const actual = values.slice(origin, origin + lead);
    const trainEnd = lastTime - (values.length - origin) * stepMs;
    for (const [name, model] of Object.entries(models)) {
      const predicted = model(train, stepMs, trainEnd, actual.length);
      const byLead = (errors[name] ??= Array.from({ length: lead }, () => []));
      for (const [k, a] of actual.entries()) byLead[k]!.push(a - predicted[k]!);
    }
  }
  const mae = (name: string) => {
    const all = errors[name]!.flat();
    return all.reduce((n, e) => n + Math.abs(e), 0) / all.length;
  };
  const model = Object.keys(models).reduce((best, name) => (mae(name) < mae(best) ? name : best), BASELINE);
  const baseline = mae(BASELINE);
  const ratio = baseline === 0 ? (mae(model) === 0 ? 1 : null) : mae(model) / baseline;
  // One width per day of lead (a day of origins' errors is enough to take a 90 % quantile of).
  const widths: number[] = [];
  for (let k = 0; k < lead; k += originSpacing) widths.push(conformalWidth(errors[model]!.slice(k, k + originSpacing).flat(), MODEL_CHOICE.coverage));
  const forecast = models[model]!(values, stepMs, lastTime, horizon);
  const widthAt = (h: number) => widths[Math.min(widths.length - 1, Math.floor(h / originSpacing))]!;
  return {
    model,
    ratio,
    ...(lead < horizon ? { note: `backtested ${lead} of ${horizon} steps ahead: the band beyond keeps the last measured width` } : {}),
    points: forecast.map((value, h) => ({ time: lastTime + (h + 1) * stepMs, value, lower: value - widthAt(h), upper: value + widthAt(h) })),
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
    note: `not enough history: ${values.length} points, a backtest needs ${MODEL_CHOICE.minTrainSteps + (MODEL_CHOICE.origins - 1) * MODEL_CHOICE.originSpacing + Math.min(horizon, MODEL_CHOICE.minLeadSteps)}`,
    points: forecast.map((value, h) => ({
      time: lastTime + (h + 1) * stepMs,
      value,
      lower: Math.min(value, low) - spread,
      upper: Math.max(value, high) + spread,
    })),
  };
}
