import middy from '@middy/core';
import type { Alert, AlertSink } from '../src/alerts/alert.ts';
import { evaluateConditions, ALERT_METRICS } from '../src/alerts/evaluate.ts';
import { anomalyCondition } from '../src/analysis/anomaly/series-anomalies.ts';
import { detectInline, type Detect } from './parallel-detect.ts';
import { withDetectorStates, type KeptStatistics } from '../src/analysis/kept-statistics.ts';
import { DEFAULT_ANALYSIS, afterRead, planAnalysis, readRange } from '../src/analysis/run-plan.ts';
import { reconcile, undoDelivery, type AlertState } from '../src/alerts/lifecycle.ts';
import { limitNotifications } from '../src/alerts/digest.ts';
import { ALERT_DELIVERY } from '../src/settings.ts';
import { FORECAST_HISTORY_MS } from '../src/analysis/forecast/forecast-series.ts';
import { FORECAST_METRICS, fitFromHourly, hourlyFromPartials } from '../src/analysis/forecast/scheduled-forecasts.ts';
import { trendConditions } from '../src/analysis/forecast/trend-alerts.ts';
import type { Condition } from '../src/alerts/rules.ts';
import {
  systemClock,
  type AlertStateStore,
  type KeptStatisticsStore,
  type Clock,
  type ForecastStore,
  type Logger,
  type MetricStore,
  type RunLease,
} from '../src/ports.ts';
import { oneRunAtATime, type SkippedRun } from './middleware/one-run-at-a-time.ts';
import { consoleLogger } from './middleware/http-responses.ts';

export interface AnalyzeDependencies {
  store: MetricStore;
  alertState: AlertStateStore;
  sink: AlertSink;
  clock?: Clock;
  logger?: Logger;
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
  /** Replays the series through the detector: inline by default, on worker threads where there are cores. */
  detect?: Detect;
  /** Where the scheduled forecasts go; without it none are fitted. */
  forecasts?: ForecastStore;
  /** How often the forecasts are refitted (default 6 h: they are hourly, a week ahead). */
  forecastEveryMs?: number;
  /** Keeps runs from overlapping on the saved state (on AWS; locally one process runs one at a time). */
  lease?: RunLease;
  /** Notifications one run sends per app; the rest of that app's alerts go out as one digest (default 5). */
  notificationsPerApp?: number;
  /** The metric store's housekeeping, run once a run (DynamoDB folds final batches into hourly rollups). */
  maintainStore?: (now: number) => Promise<unknown>;
}

export interface AnalyzeResult {
  windows: { from: string; to: string };
  partials: number;
  conditions: number;
  anomalies: number;
  sent: number;
  failed: number;
  /** Forecasts refitted by this run (0 when it was not due). */
  forecasts: number;
}

/**
 * The scheduled job (EventBridge on AWS, a timer locally), one store read a run. It executes the
 * plan src/analysis/run-plan.ts makes: threshold rules every run; every `anomalyEveryMs` the
 * detector on the kept 15-minute statistics; every `forecastEveryMs` the forecast refits; one
 * alert lifecycle that fires, dedupes and resolves.
 */
export function createAnalyzeHandler(deps: AnalyzeDependencies) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger;
  const settings = {
    ...DEFAULT_ANALYSIS,
    ...definedOnly({ lookbackMinutes: deps.lookbackMinutes, anomalyEveryMs: deps.anomalyEveryMs, forecastEveryMs: deps.forecastEveryMs }),
  };
  const handler = middy<unknown, AnalyzeResult | SkippedRun>();
  if (deps.lease) handler.use(oneRunAtATime(deps.lease, clock, logger));
  return handler.handler(async () => {
    const before = await deps.alertState.load();
    const plan = planAnalysis(clock.now(), before, await deps.forecasts?.fittedAt(), settings);
    const kept = plan.detectAnomalies || plan.refitForecasts ? await deps.keptStatistics?.load() : undefined;
    const range = readRange(plan, kept);
    const {
      partials,
      history: advanced,
      since,
    } = afterRead(plan, before, [...(await deps.store.readMetrics(ALERT_METRICS, range.from, range.to))], range, kept, settings);
    const detection = advanced ? await (deps.detect ?? detectInline)(advanced.series, since!, advanced.settled) : undefined;
    const anomalies = detection
      ? { checkedAt: plan.now, conditions: detection.anomalies.map(anomalyCondition) }
      : (before.anomalies ?? { checkedAt: 0, conditions: [] });
    // The detectors' states go with the statistics they were fed from, so the next run feeds only what settles after.
    const history = advanced && detection ? withDetectorStates(advanced, detection.states) : undefined;
    if (history) await deps.keptStatistics?.save(history);
    await deps.maintainStore?.(plan.now);
    // Hourly statistics only when they are kept between runs: one run's own read holds eight days, not four weeks.
    const hourly = plan.refitForecasts ? await hourlyStatistics(deps, deps.keptStatistics ? (history ?? kept)?.hourly : undefined, plan.window.to) : undefined;
    const fitted = hourly ? fitFromHourly(hourly, plan.window.to) : [];
    if (hourly) await deps.forecasts!.save(fitted, plan.now);
    // Trend findings come with each refit and hold until the next, as the anomalies do with each detection.
    const trends = hourly
      ? { checkedAt: plan.now, conditions: trendConditions(fitted, hourly.series, plan.window.to) }
      : (before.trends ?? { checkedAt: 0, conditions: [] });
    const conditions = [...evaluateConditions(partials), ...anomalies.conditions, ...trends.conditions];
    const reconciled = reconcile(before, conditions, plan.now, {
      cooldownMs: deps.cooldownMs ?? ALERT_DELIVERY.cooldownMs,
      ...(deps.link ? { link: deps.link } : {}),
    });
    const { alerts } = reconciled;
    const state = { ...reconciled.state, anomalies, trends };
    const failed = await deliverAll(deps, alerts, state, before, logger, plan.now);
    await deps.alertState.save(state);
    if (failed > 0) throw new Error(`${failed} of ${alerts.length} alerts were not delivered; they will be retried on the next run`);
    return {
      windows: { from: new Date(plan.window.from).toISOString(), to: new Date(plan.window.to).toISOString() },
      partials: partials.length,
      conditions: conditions.length,
      anomalies: anomalies.conditions.length,
      sent: alerts.length - failed,
      failed,
      forecasts: fitted.length,
    };
  });
}

/** The hourly statistics the detection runs keep; only without them are four weeks read. */
async function hourlyStatistics(deps: AnalyzeDependencies, kept: KeptStatistics['hourly'] | undefined, to: number) {
  return kept ?? hourlyFromPartials([...(await deps.store.readMetrics(FORECAST_METRICS, to - FORECAST_HISTORY_MS, to))], to);
}

/**
 * Delivers the run's alerts, at most `notificationsPerApp` per app plus one digest of the rest;
 * an alert whose message fails is taken back out of the state, so the next run sends it again.
 */
async function deliverAll(
  deps: AnalyzeDependencies,
  alerts: readonly Alert[],
  state: AlertState,
  before: AlertState,
  logger: Logger,
  now: number,
): Promise<number> {
  let failed = 0;
  for (const { alert, covers } of limitNotifications(alerts, deps.notificationsPerApp ?? ALERT_DELIVERY.notificationsPerApp, now)) {
    try {
      await deps.sink.deliver(alert);
    } catch (error) {
      failed += covers.length;
      logger.error('alert delivery failed', { key: alert.key, error: (error as Error).message });
      for (const covered of covers) undoDelivery(state, before, covered);
    }
  }
  return failed;
}

const definedOnly = <T extends Record<string, unknown>>(values: T) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
