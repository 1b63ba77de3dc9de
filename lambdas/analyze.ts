import middy from '@middy/core';
import { WINDOW_MS } from '../src/aggregation/partial-aggregate.ts';
import type { AlertSink } from '../src/alerts/alert.ts';
import { evaluateConditions, ALERT_METRICS } from '../src/alerts/evaluate.ts';
import { reconcile, type AlertState } from '../src/alerts/lifecycle.ts';
import type { Condition } from '../src/alerts/rules.ts';
import { systemClock, type Clock, type MetricStore } from '../src/ports.ts';
import { consoleLogger, type Logger } from './middleware/http-responses.ts';

/** Where the alert lifecycle (open conditions, cooldowns) lives between runs: DynamoDB on AWS, a file locally. */
export interface AlertStateStore {
  load(): Promise<AlertState>;
  save(state: AlertState): Promise<void>;
}

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
}

export interface AnalyzeResult {
  windows: { from: string; to: string };
  partials: number;
  conditions: number;
  sent: number;
  failed: number;
}

/**
 * The scheduled job (EventBridge on AWS, a timer locally). This first job raises the seed's
 * threshold alerts: it reads the last few complete minutes of every alerting metric in one query,
 * judges the newest window of each alert group, and fires, dedupes and resolves through the alert
 * lifecycle. Anomaly detection and forecasts will join it.
 */
export function createAnalyzeHandler(deps: AnalyzeDependencies) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger;
  return middy<unknown, AnalyzeResult>().handler(async () => {
    const now = clock.now();
    // The current minute is still filling; the one before may still get late beacons, but is judged.
    const to = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const from = to - (deps.lookbackMinutes ?? 5) * WINDOW_MS;
    const partials = await deps.store.readMetrics(ALERT_METRICS, from, to);
    const conditions = evaluateConditions(partials);
    const before = await deps.alertState.load();
    const { state, alerts } = reconcile(before, conditions, now, { cooldownMs: deps.cooldownMs ?? 30 * 60_000, ...(deps.link ? { link: deps.link } : {}) });
    let failed = 0;
    for (const alert of alerts) {
      try {
        await deps.sink.deliver(alert);
      } catch (error) {
        failed += 1;
        logger.error('alert delivery failed', { key: alert.key, error: (error as Error).message });
        // Undo this step for the alert so the next run tries again.
        if (alert.state === 'firing') delete state.open[alert.key];
        else if (before.open[alert.key]) {
          state.open[alert.key] = before.open[alert.key]!;
          delete state.resolvedAt[alert.key];
        }
      }
    }
    await deps.alertState.save(state);
    const result = {
      windows: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      partials: partials.length, conditions: conditions.length, sent: alerts.length - failed, failed,
    };
    if (failed > 0) throw new Error(`${failed} of ${alerts.length} alerts were not delivered; they will be retried on the next run`);
    return result;
  });
}
