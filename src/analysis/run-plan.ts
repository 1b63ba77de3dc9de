import { WINDOW_MS, type PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { advanceHistory, readStart, type KeptStatistics } from './kept-statistics.ts';
import type { AlertState } from '../alerts/lifecycle.ts';

export interface AnalysisSettings {
  /** Complete one-minute windows the threshold rules look at (default 5). */
  lookbackMinutes: number;
  /** How often the anomaly detector runs (0 turns it off). */
  anomalyEveryMs: number;
  /** How often the forecasts are refitted. */
  forecastEveryMs: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { lookbackMinutes: 5, anomalyEveryMs: 15 * 60_000, forecastEveryMs: 6 * 3_600_000 };

/** What one run of the analysis does, decided before any I/O beyond loading the saved state. */
export interface AnalysisPlan {
  now: number;
  /** The threshold rules' windows: complete minutes only (the current one is still filling). */
  window: { from: number; to: number };
  detectAnomalies: boolean;
  refitForecasts: boolean;
}

export function planAnalysis(now: number, state: AlertState, forecastsFittedAt: number | undefined, settings: AnalysisSettings): AnalysisPlan {
  const to = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  const checkedAt = state.anomalies?.checkedAt ?? 0;
  return {
    now,
    window: { from: to - settings.lookbackMinutes * WINDOW_MS, to },
    detectAnomalies: settings.anomalyEveryMs > 0 && now - checkedAt >= settings.anomalyEveryMs,
    refitForecasts: forecastsFittedAt !== undefined && now - forecastsFittedAt >= settings.forecastEveryMs,
  };
}

/**
 * The one store read of a run. A detection run reads from where the kept 5-minute statistics
 * end (three days when there are none), which includes the threshold rules' recent minutes, so
 * one read serves both: on Timestream each query is billed 30 s at least.
 */
export function readRange(plan: AnalysisPlan, kept: KeptStatistics | undefined): { from: number; to: number } {
  const { from, to } = plan.window;
  return plan.detectAnomalies ? { from: Math.min(readStart(kept, to), from), to } : { from, to };
}

/** What the read feeds: the threshold rules' partials, and (on a detection run) the advanced statistics and the time anomalies count from. */
export function afterRead(
  plan: AnalysisPlan,
  state: AlertState,
  read: readonly PartialAggregate[],
  range: { from: number },
  kept: KeptStatistics | undefined,
  settings: AnalysisSettings,
) {
  const partials = read.filter((p) => p.windowStart >= plan.window.from);
  if (!plan.detectAnomalies) return { partials };
  const history = advanceHistory(kept, read, range.from, plan.window.to);
  const checkedAt = state.anomalies?.checkedAt ?? 0;
  // A first run (a new deployment) reports what is unusual in the last hour, not just the last interval.
  const since = checkedAt > 0 ? checkedAt : plan.window.to - Math.max(settings.anomalyEveryMs, 60 * 60_000);
  return { partials, history, since };
}
