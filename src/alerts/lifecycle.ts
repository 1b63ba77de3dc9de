import type { Alert } from './alert.ts';
import type { Condition } from './rules.ts';

export interface OpenAlert {
  condition: Condition;
  since: number;
  lastSeen: number;
}

export interface AlertState {
  open: Record<string, OpenAlert>;
  /** When each condition last resolved, for the cooldown. */
  resolvedAt: Record<string, number>;
  /** The anomaly detector runs less often than the threshold rules; its findings hold until its next run. */
  anomalies?: { checkedAt: number; conditions: Condition[] };
  /** The trend findings of the last forecast refit, held until the next. */
  trends?: { checkedAt: number; conditions: Condition[] };
}

export const emptyAlertState = (): AlertState => ({ open: {}, resolvedAt: {} });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a stored alert state, refusing one that is not of its shape (truncated, or another program's). */
export function decodeAlertState(text: string): AlertState {
  const parsed = JSON.parse(text) as unknown;
  if (!isRecord(parsed) || !isRecord(parsed.open) || !isRecord(parsed.resolvedAt)) throw new Error('not an alert state: expected { open, resolvedAt }');
  for (const open of Object.values(parsed.open)) {
    if (!isRecord(open) || !isRecord(open.condition) || typeof open.since !== 'number')
      throw new Error('not an alert state: an open alert lacks its condition');
  }
  for (const held of [parsed.anomalies, parsed.trends]) {
    if (held !== undefined && (!isRecord(held) || !Array.isArray(held.conditions))) throw new Error('not an alert state: held findings lack their conditions');
  }
  return parsed as unknown as AlertState;
}

export interface LifecycleOptions {
  /** A condition that resolved this recently does not fire again (flapping protection). */
  cooldownMs: number;
  /** Builds the dashboard link for a condition. */
  link?: (condition: Condition) => string;
}

/**
 * One evaluation step: conditions that start fire once, conditions still open stay quiet
 * (dedupe), and open conditions no longer seen resolve with a message. Pure: the caller stores
 * the returned state and delivers the returned alerts.
 */
export function reconcile(state: AlertState, conditions: readonly Condition[], now: number, options: LifecycleOptions): { state: AlertState; alerts: Alert[] } {
  const open: Record<string, OpenAlert> = {};
  const resolvedAt = { ...state.resolvedAt };
  const alerts: Alert[] = [];
  const seen = new Set<string>();
  for (const condition of conditions) {
    if (seen.has(condition.key)) continue;
    seen.add(condition.key);
    const existing = state.open[condition.key];
    if (existing) {
      open[condition.key] = { ...existing, condition, lastSeen: now };
      continue;
    }
    const cooling = resolvedAt[condition.key] !== undefined && now - resolvedAt[condition.key]! < options.cooldownMs;
    if (cooling) continue;
    open[condition.key] = { condition, since: now, lastSeen: now };
    alerts.push(toAlert(condition, 'firing', now, options));
  }
  for (const [key, existing] of Object.entries(state.open)) {
    if (seen.has(key)) continue;
    resolvedAt[key] = now;
    alerts.push(toAlert(existing.condition, 'resolved', now, options, existing.since));
  }
  return { state: { open, resolvedAt }, alerts };
}

function toAlert(condition: Condition, state: 'firing' | 'resolved', now: number, options: LifecycleOptions, since?: number): Alert {
  const minutes = since === undefined ? 0 : Math.round((now - since) / 60_000);
  return {
    key: condition.key,
    rule: condition.rule,
    severity: state === 'resolved' ? 'info' : condition.severity,
    state,
    title: state === 'resolved' ? `Resolved: ${condition.title}` : condition.title,
    message: state === 'resolved' ? `Back to normal after ${minutes} min. It was: ${condition.message}` : condition.message,
    at: now,
    metric: condition.metric,
    dimensions: condition.dimensions,
    value: condition.value,
    threshold: condition.threshold,
    ...(condition.windowStart === undefined ? {} : { windowStart: condition.windowStart, windowMs: condition.windowMs }),
    ...(condition.dimensions.app ? { app: condition.dimensions.app } : {}),
    ...(options.link ? { link: options.link(condition) } : {}),
  };
}

/**
 * Takes back one alert's step after its delivery failed, so the next run tries again: a firing
 * alert is no longer open, a resolved one is open again as it was `before`.
 */
export function undoDelivery(state: AlertState, before: AlertState, alert: Alert): void {
  if (alert.state === 'firing') delete state.open[alert.key];
  else if (before.open[alert.key]) {
    state.open[alert.key] = before.open[alert.key]!;
    delete state.resolvedAt[alert.key];
  }
}
