import type { AggregatePoint } from '../aggregation/summarize.ts';
import { findMetric } from '../registry/metrics.ts';
import type { Severity } from './alert.ts';

/** A condition that holds for one series in one window: what an alert is raised (or kept open) for. */
export interface Condition {
  key: string;
  rule: string;
  severity: Severity;
  title: string;
  message: string;
  metric: string;
  dimensions: Readonly<Record<string, string>>;
  value: number;
  threshold: number;
  /** Start of the window the condition was seen in (anomalies: their 15-minute bucket), epoch ms. */
  windowStart?: number;
  /** That window's length, ms. */
  windowMs?: number;
}

export interface SeriesWindow {
  metric: string;
  dimensions: Readonly<Record<string, string>>;
  point: AggregatePoint;
}

export const RULE_LIMITS = {
  slowRequestMs: 5000,
  longTaskMs: 500,
  slowQueryMs: 1000,
  extremelySlowQueryMs: 10_000,
  serverErrorShare: 0.05,
  minRequestsForErrorShare: 20,
  slaCompliance: 0.99,
  cacheHitRate: 0.8,
} as const;

const describe = (dimensions: Readonly<Record<string, string>>) =>
  Object.entries(dimensions).filter(([k]) => k !== 'source').map(([k, v]) => `${k}=${v}`).join(', ');

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${Math.round(v)} ms`);

/**
 * The seed's thresholds, judged per one-minute window on the aggregates (never per event):
 * web vitals whose p75 is in the poor band, slow requests, long tasks, slow and extremely slow
 * queries, circuit breaker transitions, SLA compliance and cache hit rate below target.
 */
export function conditionsFor(window: SeriesWindow): Condition[] {
  const { metric, dimensions, point } = window;
  const where = describe(dimensions);
  const minute = point.t.slice(11, 16);
  const base = (rule: string, severity: Severity, title: string, message: string, value: number, threshold: number): Condition => ({
    key: `${rule}|${metric}|${JSON.stringify(dimensions)}`, rule, severity, title, message, metric, dimensions, value, threshold,
  });
  const out: Condition[] = [];
  const rating = findMetric(metric)?.rating;
  if (metric.startsWith('web_vitals_') && rating && point.p75 > rating.poor) {
    const name = metric.slice('web_vitals_'.length).toUpperCase();
    const show = name === 'CLS' ? (v: number) => v.toFixed(3) : ms;
    out.push(base('web_vital_poor', 'warning', `${name} p75 is poor (${show(point.p75)} > ${show(rating.poor)})${where ? ` on ${where}` : ''}`,
      `${name} p75 was ${show(point.p75)} in the minute from ${minute} UTC over ${point.count} page views${where ? ` (${where})` : ''}; poor starts at ${show(rating.poor)}, good is under ${show(rating.good)}. ${point.ratings ? `${point.ratings.poor} of ${point.count} were poor.` : ''}`.trim(),
      point.p75, rating.poor));
  }
  if (metric === 'api_request' && point.max > RULE_LIMITS.slowRequestMs) {
    out.push(base('slow_request', 'warning', `Requests over 5 s${where ? ` on ${where}` : ''} (max ${ms(point.max)})`,
      `The slowest request took ${ms(point.max)} in the minute from ${minute} UTC (p95 ${ms(point.p95)}, ${point.count} requests)${where ? ` on ${where}` : ''}.`,
      point.max, RULE_LIMITS.slowRequestMs));
  }
  if (metric === 'long_task' && point.max > RULE_LIMITS.longTaskMs) {
    out.push(base('long_task', 'warning', `Long tasks over 500 ms${where ? ` on ${where}` : ''} (max ${ms(point.max)})`,
      `A main-thread task blocked for ${ms(point.max)} in the minute from ${minute} UTC${where ? ` on ${where}` : ''}.`, point.max, RULE_LIMITS.longTaskMs));
  }
  if (metric === 'database_query') {
    if (point.max > RULE_LIMITS.extremelySlowQueryMs) {
      out.push(base('extremely_slow_query', 'critical', `A query took ${ms(point.max)}${where ? ` (${where})` : ''}`,
        `A database query ran for ${ms(point.max)} in the minute from ${minute} UTC${where ? ` (${where})` : ''}: over the 10 s limit.`, point.max, RULE_LIMITS.extremelySlowQueryMs));
    } else if (point.p95 > RULE_LIMITS.slowQueryMs) {
      out.push(base('slow_query', 'warning', `Slow queries: p95 ${ms(point.p95)}${where ? ` (${where})` : ''}`,
        `Query p95 was ${ms(point.p95)} over ${point.count} queries in the minute from ${minute} UTC${where ? ` (${where})` : ''}; slow starts at 1 s.`, point.p95, RULE_LIMITS.slowQueryMs));
    }
  }
  if (metric === 'circuit_breaker_transition') {
    const state = dimensions.state;
    const severity: Severity = state === 'open' ? 'critical' : state === 'half_open' ? 'warning' : 'info';
    out.push(base(`circuit_breaker_${state ?? 'changed'}`, severity, `Circuit breaker ${state?.replace('_', '-') ?? 'changed'} for ${dimensions.service ?? 'a service'}`,
      `The circuit breaker for ${dimensions.service ?? 'a service'} went ${state?.replace('_', '-') ?? 'to a new state'} at ${minute} UTC (${point.count} transition${point.count === 1 ? '' : 's'}).`, point.count, 0));
  }
  if (metric === 'sla_compliance' && point.avg < RULE_LIMITS.slaCompliance) {
    out.push(base('sla_breach', 'error', `${dimensions.service ?? 'A service'} met its SLA on ${(100 * point.avg).toFixed(1)} % of calls`,
      `Only ${(100 * point.avg).toFixed(1)} % of ${point.count} calls to ${dimensions.service ?? 'the service'} met the response-time SLA in the minute from ${minute} UTC (target ${100 * RULE_LIMITS.slaCompliance} %).`, point.avg, RULE_LIMITS.slaCompliance));
  }
  if (metric === 'cache_hit_rate' && point.avg < RULE_LIMITS.cacheHitRate) {
    out.push(base('low_cache_hit_rate', 'warning', `Cache hit rate ${(100 * point.avg).toFixed(0)} %${where ? ` (${where})` : ''}`,
      `The cache answered ${(100 * point.avg).toFixed(0)} % of lookups in the minute from ${minute} UTC${where ? ` (${where})` : ''}; the target is 80 %.`, point.avg, RULE_LIMITS.cacheHitRate));
  }
  return out;
}

/** Server-error share per endpoint, from api_request windows grouped by status_class. */
export function serverErrorCondition(endpointDimensions: Readonly<Record<string, string>>, byClass: Readonly<Record<string, number>>, minute: string): Condition | undefined {
  const total = Object.values(byClass).reduce((a, b) => a + b, 0);
  const errors = byClass['5xx'] ?? 0;
  if (total < RULE_LIMITS.minRequestsForErrorShare || errors / total < RULE_LIMITS.serverErrorShare) return undefined;
  const where = describe(endpointDimensions);
  return {
    key: `server_errors|api_request|${JSON.stringify(endpointDimensions)}`,
    rule: 'server_errors', severity: 'error', metric: 'api_request', dimensions: endpointDimensions,
    title: `${(100 * errors / total).toFixed(1)} % server errors${where ? ` on ${where}` : ''}`,
    message: `${errors} of ${total} requests answered 5xx in the minute from ${minute} UTC${where ? ` (${where})` : ''}; alerting starts at 5 %.`,
    value: errors / total, threshold: RULE_LIMITS.serverErrorShare,
  };
}
