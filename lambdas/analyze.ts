import middy from '@middy/core';
import { WINDOW_MS } from '../src/aggregation/partial-aggregate.ts';
import type { AlertSink } from '../src/alerts/alert.ts';
import { evaluateConditions, ALERT_METRICS } from '../src/alerts/evaluate.ts';
import { anomalyCondition } from '../src/analysis/anomaly/series-anomalies.ts';
import { detectInline, type Detect } from './parallel-detect.ts';
import { advanceHistory, readStart, type BucketHistory } from '../src/analysis/anomaly/bucket-history.ts';
import { reconcile, undoDelivery } from '../src/alerts/lifecycle.ts';
import { FORECAST_HISTORY_MS } from '../src/analysis/forecast/forecast-series.ts';
import { FORECAST_METRICS, fitFromHourly, fitScheduledForecasts } from '../src/analysis/forecast/scheduled-forecasts.ts';
import type { Condition } from '../src/alerts/rules.ts';
import { systemClock, type AlertStateStore, type BucketHistoryStore, type Clock, type ForecastStore, type Logger, type MetricStore, type RunLease } from '../src/ports.ts';
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
  bucketHistory?: BucketHistoryStore;
  /** Replays the series through the detector: inline by default, on worker threads where there are cores. */
  detect?: Detect;
  /** Where the scheduled forecasts go; without it none are fitted. */
  forecasts?: ForecastStore;
  /** How often the forecasts are refitted (default 6 h: they are hourly, a week ahead). */
  forecastEveryMs?: number;
  /** Keeps runs from overlapping on the saved state (on AWS; locally one process runs one at a time). */
  lease?: RunLease;
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
 * The scheduled job (EventBridge on AWS, a timer locally), one store read a run. Every run judges
 * the newest window of each alert group against the seed's thresholds; every `anomalyEveryMs`
 * it instead reads from where its kept 15-minute statistics end, advances them, and replays each
 * group's eight days through the anomaly detector. Both feed one alert lifecycle that fires,
 * dedupes and resolves. Every `forecastEveryMs` it refits the per-app forecasts from the hourly
 * statistics kept with them, and stores them for the dashboard.
 */
export function createAnalyzeHandler(deps: AnalyzeDependencies) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger;
  const handler = middy<unknown, AnalyzeResult | SkippedRun>();
  if (deps.lease) handler.use(oneRunAtATime(deps.lease, clock, logger));
  return handler.handler(async () => {
    const now = clock.now();
    // The current minute is still filling; the one before may still get late beacons, but is judged.
    const to = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const from = to - (deps.lookbackMinutes ?? 5) * WINDOW_MS;
    const before = await deps.alertState.load();
    let anomalies = before.anomalies ?? { checkedAt: 0, conditions: [] };
    const anomalyEvery = deps.anomalyEveryMs ?? 15 * 60_000;
    const anomalyDue = anomalyEvery > 0 && now - anomalies.checkedAt >= anomalyEvery;
    let partials;
    let kept: BucketHistory | undefined;
    if (anomalyDue) {
      // One read serves both: the minutes since the stored statistics were settled (eight days
      // when there are none) include the threshold rules' recent minutes. Each Timestream query
      // is billed 30 s at least.
      const stored = await deps.bucketHistory?.load();
      const readFrom = Math.min(readStart(stored, to), from);
      const read = await deps.store.readMetrics(ALERT_METRICS, readFrom, to);
      partials = read.filter((p) => p.windowStart >= from);
      kept = advanceHistory(stored, read, readFrom, to);
      // A first run (a new deployment) reports what is unusual in the last hour, not just the last interval.
      const since = anomalies.checkedAt > 0 ? anomalies.checkedAt : to - Math.max(anomalyEvery, 60 * 60_000);
      anomalies = { checkedAt: now, conditions: (await (deps.detect ?? detectInline)(kept.series, since)).map(anomalyCondition) };
      await deps.bucketHistory?.save(kept);
    } else {
      partials = await deps.store.readMetrics(ALERT_METRICS, from, to);
    }
    await deps.maintainStore?.(now);
    let refitted = 0;
    if (deps.forecasts && now - (await deps.forecasts.fittedAt()) >= (deps.forecastEveryMs ?? 6 * 3600_000)) {
      // From the hourly statistics the detection runs keep; only without them, four weeks are read.
      const hourly = deps.bucketHistory ? (kept ?? (await deps.bucketHistory.load()))?.hourly : undefined;
      const fitted = hourly
        ? fitFromHourly(hourly.series, to)
        : fitScheduledForecasts(await deps.store.readMetrics(FORECAST_METRICS, to - FORECAST_HISTORY_MS, to), to);
      await deps.forecasts.save(fitted, now);
      refitted = fitted.length;
    }
    const conditions = [...evaluateConditions(partials), ...anomalies.conditions];
    const reconciled = reconcile(before, conditions, now, { cooldownMs: deps.cooldownMs ?? 30 * 60_000, ...(deps.link ? { link: deps.link } : {}) });
    const alerts = reconciled.alerts;
    const state = { ...reconciled.state, anomalies };
    let failed = 0;
    for (const alert of alerts) {
      try {
        await deps.sink.deliver(alert);
      } catch (error) {
        failed += 1;
        logger.error('alert delivery failed', { key: alert.key, error: (error as Error).message });
        undoDelivery(state, before, alert);
      }
    }
    await deps.alertState.save(state);
    const result = {
      windows: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      partials: partials.length, conditions: conditions.length, anomalies: anomalies.conditions.length, sent: alerts.length - failed, failed, forecasts: refitted,
    };
    if (failed > 0) throw new Error(`${failed} of ${alerts.length} alerts were not delivered; they will be retried on the next run`);
    return result;
  });
}
