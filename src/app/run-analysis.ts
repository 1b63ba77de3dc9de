import type { Alert, AlertSink } from '../alerts/alert.ts';
import { limitNotifications } from '../alerts/digest.ts';
import { ALERT_METRICS, evaluateConditions } from '../alerts/evaluate.ts';
import { type AlertState, reconcile, undoDelivery } from '../alerts/lifecycle.ts';
import type { Condition } from '../alerts/rules.ts';
import { anomalyCondition, type BucketSeries, type Detection, detectInSeries } from '../analysis/anomaly/series-anomalies.ts';
import { FORECAST_HISTORY_MS } from '../analysis/forecast/forecast-series.ts';
import { FORECAST_METRICS, fitFromHourly, hourlyFromPartials } from '../analysis/forecast/scheduled-forecasts.ts';
import { trendConditions } from '../analysis/forecast/trend-alerts.ts';
import { type KeptStatistics, withDetectorStates } from '../analysis/kept-statistics.ts';
import { type AnalysisPlan, afterRead, DEFAULT_ANALYSIS, planAnalysis, readRange } from '../analysis/run-plan.ts';
import type { AlertStateStore, Clock, ForecastStore, KeptStatisticsStore, Logger, MetricStore } from '../ports.ts';
import { ALERT_DELIVERY } from '../settings.ts';

/** Replays series through the anomaly detector: inline by default; a runtime may spread it over worker threads. */
export type Detect = (series: readonly BucketSeries[], since: number, settled: number) => Promise<Detection>;
export const detectInline: Detect = async (series, since, settled) => detectInSeries(series, since, settled);

export interface AnalysisDependencies {
  store: MetricStore;
  alertState: AlertStateStore;
  sink: AlertSink;
  clock: Clock;
  logger: Logger;
  /** Where an alert's link points (the dashboard view of its metric and dimensions). */
  link?: (condition: Condition) => string;
  /** Complete one-minute windows looked at per run (default 5). */
  lookbackMinutes?: number;
  cooldownMs?: number;
  /** How often the anomaly detector replays the series (default 15 min; 0 turns it off). */
  anomalyEveryMs?: number;
  /**
   * Where the detector's bucket statistics are kept between runs, so a run reads only the minutes
   * since the last one; without it every detection run re-reads eight days of partials.
   */
  keptStatistics?: KeptStatisticsStore;
  detect?: Detect;
  /** Where the scheduled forecasts go; without it none are fitted. */
  forecasts?: ForecastStore;
  /** How often the forecasts are refitted (default 6 h: they are hourly, a week ahead). */
  forecastEveryMs?: number;
  /** Notifications one run sends per app; the rest of that app's alerts go out as one digest. */
  notificationsPerApp?: number;
  /** The metric store's housekeeping, run once a run (DynamoDB folds final batches into hourly rollups). */
  maintainStore?: (now: number) => Promise<unknown>;
}

export interface AnalysisResult {
  windows: { from: string; to: string };
  partials: number;
  conditions: number;
  anomalies: number;
  sent: number;
  failed: number;
  /** Forecasts refitted by this run (0 when it was not due). */
  forecasts: number;
}

type Findings = { checkedAt: number; conditions: Condition[] };

/**
 * One run of the scheduled analysis, one store read a run: plan what is due, read, detect
 * anomalies on the kept 15-minute statistics, refit the forecasts and their trend findings, then
 * fire, dedupe and resolve alerts through one lifecycle and deliver them. An alert that cannot be
 * delivered stays pending for the next run, and the run then fails so the failure is seen.
 */
export async function runAnalysis(deps: AnalysisDependencies): Promise<AnalysisResult> {
  const before = await deps.alertState.load();
  const plan = planAnalysis(deps.clock.now(), before, await deps.forecasts?.fittedAt(), settingsOf(deps));
  const read = await readWhatIsDue(deps, plan, before);
  const anomalies = await detectAnomalies(deps, plan, before, read);
  await deps.maintainStore?.(plan.now);
  const refit = await refitForecasts(deps, plan, before, anomalies.history ?? read.kept);
  const conditions = [...evaluateConditions(read.partials), ...anomalies.findings.conditions, ...refit.trends.conditions];
  const reconciled = reconcile(before, conditions, plan.now, {
    cooldownMs: deps.cooldownMs ?? ALERT_DELIVERY.cooldownMs,
    ...(deps.link ? { link: deps.link } : {}),
  });
  const state = { ...reconciled.state, anomalies: anomalies.findings, trends: refit.trends };
  const failed = await deliverAll(deps, reconciled.alerts, state, before, plan.now);
  await deps.alertState.save(state);
  if (failed > 0) throw new Error(`${failed} of ${reconciled.alerts.length} alerts were not delivered; they will be retried on the next run`);
  return {
    windows: { from: new Date(plan.window.from).toISOString(), to: new Date(plan.window.to).toISOString() },
    partials: read.partials.length,
    conditions: conditions.length,
    anomalies: anomalies.findings.conditions.length,
    sent: reconciled.alerts.length - failed,
    failed,
    forecasts: refit.fitted,
  };
}

const settingsOf = (deps: AnalysisDependencies) => ({
  ...DEFAULT_ANALYSIS,
  ...(deps.lookbackMinutes !== undefined ? { lookbackMinutes: deps.lookbackMinutes } : {}),
  ...(deps.anomalyEveryMs !== undefined ? { anomalyEveryMs: deps.anomalyEveryMs } : {}),
  ...(deps.forecastEveryMs !== undefined ? { forecastEveryMs: deps.forecastEveryMs } : {}),
});

/** The one store read: the threshold window, and the minutes the kept statistics have not seen yet when detection is due. */
async function readWhatIsDue(deps: AnalysisDependencies, plan: AnalysisPlan, before: AlertState) {
  const kept = plan.detectAnomalies || plan.refitForecasts ? await deps.keptStatistics?.load() : undefined;
  const range = readRange(plan, kept);
  const partials = [...(await deps.store.readMetrics(ALERT_METRICS, range.from, range.to))];
  return { kept, ...afterRead(plan, before, partials, range, kept, settingsOf(deps)) };
}

/** Runs the detector over what settled since its last run; its findings hold until the next detection run. */
async function detectAnomalies(deps: AnalysisDependencies, plan: AnalysisPlan, before: AlertState, read: Awaited<ReturnType<typeof readWhatIsDue>>) {
  if (!read.history) return { findings: before.anomalies ?? { checkedAt: 0, conditions: [] }, history: undefined };
  const detection = await (deps.detect ?? detectInline)(read.history.series, read.since!, read.history.settled);
  // The detectors' states go with the statistics they were fed from, so the next run feeds only what settles after.
  const history = withDetectorStates(read.history, detection.states);
  await deps.keptStatistics?.save(history);
  return { findings: { checkedAt: plan.now, conditions: detection.anomalies.map(anomalyCondition) } as Findings, history };
}

/** Refits the forecasts when due; the trend findings come with each refit and hold until the next. */
async function refitForecasts(deps: AnalysisDependencies, plan: AnalysisPlan, before: AlertState, kept: KeptStatistics | undefined) {
  const held = { fitted: 0, trends: before.trends ?? { checkedAt: 0, conditions: [] } };
  if (!plan.refitForecasts || !deps.forecasts) return held;
  // Hourly statistics only when they are kept between runs: one run's own read holds eight days, not four weeks.
  const hourly =
    (deps.keptStatistics ? kept?.hourly : undefined) ??
    hourlyFromPartials([...(await deps.store.readMetrics(FORECAST_METRICS, plan.window.to - FORECAST_HISTORY_MS, plan.window.to))], plan.window.to);
  const fitted = fitFromHourly(hourly, plan.window.to);
  await deps.forecasts.save(fitted, plan.now);
  return { fitted: fitted.length, trends: { checkedAt: plan.now, conditions: trendConditions(fitted, hourly.series, plan.window.to) } as Findings };
}

/**
 * Delivers the run's alerts, at most `notificationsPerApp` per app plus one digest of the rest;
 * an alert whose message fails is taken back out of the state, so the next run sends it again.
 */
async function deliverAll(deps: AnalysisDependencies, alerts: readonly Alert[], state: AlertState, before: AlertState, now: number): Promise<number> {
  let failed = 0;
  for (const { alert, covers } of limitNotifications(alerts, deps.notificationsPerApp ?? ALERT_DELIVERY.notificationsPerApp, now)) {
    try {
      await deps.sink.deliver(alert);
    } catch (error) {
      failed += covers.length;
      deps.logger.error('alert delivery failed', { key: alert.key, error: (error as Error).message });
      for (const covered of covers) undoDelivery(state, before, covered);
    }
  }
  return failed;
}
