import { findMetric } from '@vitalstream/protocol';
import { describeDimensions, type Condition } from '../../alerts/rules.ts';
import { ADVICE_LIMITS, QUERY_SPEED } from '../../settings.ts';
import type { BucketSeries } from '../anomaly/series-anomalies.ts';
import { pairsOf } from '../points.ts';
import type { StoredForecast } from './scheduled-forecasts.ts';

const HOUR = 3_600_000;
const WEEK_HOURS = 168;

/**
 * Where each forecast metric's watched statistic turns poor. Web vitals use their published
 * thresholds (the registry's); a request's p95 over 2 s and a query's over 1 s are the lines the
 * advice and the slow-query rule already draw.
 */
export function poorThreshold(metric: string): number | undefined {
  const rating = findMetric(metric)?.rating;
  if (rating) return rating.poor;
  return metric === 'api_request' ? ADVICE_LIMITS.apiResponseMs : metric === 'database_query' ? QUERY_SPEED.slowMs : undefined;
}

export const TREND_LIMITS = {
  /** This week must be at least this much worse than last week at the same hours (the median of the hourly ratios). */
  minWeekOverWeekIncrease: 0.1,
  /**
   * The one-sided sign test's z for "more hours worse than better" (3.09: p < 0.001). Hours are
   * correlated, so the real p is larger; the magnitude bar above is what keeps noise out.
   */
  minSignZ: 3.09,
  /** Hours of the last day that must all be below the poor line for a crossing to be news, not a known state. */
  quietHours: 24,
} as const;

const show = (metric: string, value: number) => (findMetric(metric)?.unit === 'ms' ? `${Math.round(value).toLocaleString('en-US')} ms` : value.toPrecision(3));
const day = (t: number) => new Date(t).toLocaleDateString('en-US', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** What a forecast refit warns of: forecasts that cross their poor line, and weeks worse than the last. */
export function trendConditions(forecasts: readonly StoredForecast[], hourly: readonly BucketSeries[], until: number): Condition[] {
  return [...forecastCrossings(forecasts), ...weekOverWeek(hourly, until)];
}

/**
 * A forecast that crosses its metric's poor line within the horizon, on a series that has been
 * below it for the last day: one info condition naming the expected day and hour.
 */
export function forecastCrossings(forecasts: readonly StoredForecast[]): Condition[] {
  const conditions: Condition[] = [];
  for (const f of forecasts) {
    const poor = poorThreshold(f.metric);
    if (poor === undefined || f.history.length < TREND_LIMITS.quietHours) continue;
    const recent = f.history.slice(-TREND_LIMITS.quietHours);
    if (recent.some((h) => h.value >= poor)) continue;
    const crossing = f.forecast.find((p) => p.value >= poor);
    if (!crossing) continue;
    const at = Date.parse(crossing.t);
    const now = recent.at(-1)!.value;
    const label = `${f.metric} ${f.statistic}${Object.keys(f.dimensions).length ? ` on ${describeDimensions(f.dimensions)}` : ''}`;
    conditions.push({
      key: `trend|forecast|${f.key}`,
      rule: 'trend_forecast',
      severity: 'info',
      title: `${label} is forecast to turn poor on ${day(at)}`,
      message: `${label} is forecast to reach ${show(f.metric, crossing.value)} at ${new Date(at).toISOString().slice(11, 16)} UTC on ${day(at)}, past the poor line of ${show(f.metric, poor)} (95 % interval ${show(f.metric, crossing.lower)} to ${show(f.metric, crossing.upper)}). It was ${show(f.metric, now)} in the last complete hour and below the line for the whole last day. Forecast fitted ${f.fittedAt}.`,
      metric: f.metric,
      dimensions: f.dimensions,
      value: crossing.value,
      threshold: poor,
      windowStart: at,
      windowMs: HOUR,
    });
  }
  return conditions;
}

/**
 * This week's level against last week's at the same hours, per hourly series: worse when the
 * median hourly ratio is at least 10 % up and significantly more hours are worse than better
 * (sign test). Higher is worse for every forecast metric (latencies and layout shift).
 */
export function weekOverWeek(series: readonly BucketSeries[], until: number): Condition[] {
  const conditions: Condition[] = [];
  for (const s of series) {
    const byHour = new Map(pairsOf(s.points));
    const end = Math.floor(until / HOUR) * HOUR;
    const ratios: number[] = [];
    let worse = 0;
    let better = 0;
    let thisWeek = 0;
    let lastWeek = 0;
    for (let t = end - WEEK_HOURS * HOUR; t < end; t += HOUR) {
      const now = byHour.get(t);
      const before = byHour.get(t - WEEK_HOURS * HOUR);
      if (now === undefined || before === undefined || !(before > 0)) continue;
      ratios.push(now / before);
      thisWeek += now;
      lastWeek += before;
      if (now > before) worse++;
      else if (now < before) better++;
    }
    // Most of a week's hours on both sides, or the comparison says little.
    if (ratios.length < WEEK_HOURS / 2) continue;
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    const n = worse + better;
    const z = n > 0 ? (worse - n / 2) / Math.sqrt(n / 4) : 0;
    if (median - 1 < TREND_LIMITS.minWeekOverWeekIncrease || z < TREND_LIMITS.minSignZ) continue;
    const label = `${s.metric} ${s.statistic}${Object.keys(s.dimensions).length ? ` on ${describeDimensions(s.dimensions)}` : ''}`;
    const thisMean = thisWeek / ratios.length;
    const lastMean = lastWeek / ratios.length;
    conditions.push({
      key: `trend|week|${s.metric}|${JSON.stringify(s.dimensions)}`,
      rule: 'trend_week_over_week',
      severity: 'info',
      title: `${label} is ${Math.round(100 * (median - 1))} % worse than last week`,
      message: `${label} averaged ${show(s.metric, thisMean)} over the last 7 days against ${show(s.metric, lastMean)} at the same hours a week earlier: the median hour is ${Math.round(100 * (median - 1))} % worse, and ${worse} of ${n} hours were worse (sign test z = ${z.toFixed(1)}).`,
      metric: s.metric,
      dimensions: s.dimensions,
      value: thisMean,
      threshold: lastMean,
      windowStart: end - WEEK_HOURS * HOUR,
      windowMs: WEEK_HOURS * HOUR,
    });
  }
  return conditions;
}
