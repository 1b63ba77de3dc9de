import type { AggregatePoint } from '../aggregation/summarize.ts';
import { findMetric } from '@vitalstream/protocol';
import type { Severity } from './alert.ts';
import { RULE_LIMITS } from '../settings.ts';

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
  /** Start of the window the condition was seen in (anomalies: their 5-minute bucket), epoch ms. */
  windowStart?: number;
  /** That window's length, ms. */
  windowMs?: number;
}

export interface SeriesWindow {
  metric: string;
  dimensions: Readonly<Record<string, string>>;
  point: AggregatePoint;
}

export { RULE_LIMITS };

/** Dimensions as an alert names them ("app=shop, page=/checkout"); the source says nothing a reader needs. */
export const describeDimensions = (dimensions: Readonly<Record<string, string>>) =>
  Object.entries(dimensions)
    .filter(([k]) => k !== 'source')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${Math.round(v)} ms`);
/** A limit as a person writes it: 5 s, 500 ms, 80 %. */
const limitMs = (v: number) => (v >= 1000 ? `${Number((v / 1000).toFixed(1))} s` : `${Math.round(v)} ms`);
const percent = (share: number, digits = 0) => `${(100 * share).toFixed(digits)} %`;

/** What a rule's texts are written from: the window, and the limit it was judged against. */
interface RuleContext {
  metric: string;
  point: AggregatePoint;
  dimensions: Readonly<Record<string, string>>;
  where: string;
  minute: string;
  limit: number;
}

interface WindowRule {
  rule: string | ((dimensions: Readonly<Record<string, string>>) => string);
  metric: (metric: string) => boolean;
  severity: Severity | ((dimensions: Readonly<Record<string, string>>) => Severity);
  /** The value judged and the limit it crossed, or undefined when the window is fine. */
  judge(point: AggregatePoint, metric: string): { value: number; limit: number } | undefined;
  title(c: RuleContext): string;
  message(c: RuleContext): string;
}

const on = (dimensions: string) => (dimensions ? ` on ${dimensions}` : '');
const within = (dimensions: string) => (dimensions ? ` (${dimensions})` : '');
const vitalName = (metric: string) => metric.slice('web_vitals_'.length).toUpperCase();

/**
 * Every threshold rule, judged per one-minute window on the aggregates (never per event): web
 * vitals whose p75 is in the poor band, slow requests, long tasks, slow and extremely slow
 * queries, circuit breaker transitions, SLA compliance and cache hit rate below target. Each
 * message is written from the limit the rule used, so changing a limit changes the text with it.
 */
const WINDOW_RULES: readonly WindowRule[] = [
  {
    rule: 'web_vital_poor',
    severity: 'warning',
    metric: (m) => m.startsWith('web_vitals_') && findMetric(m)?.rating !== undefined,
    judge: (p, m) => {
      const poor = findMetric(m)!.rating!.poor;
      return p.count >= RULE_LIMITS.minPageViewsForP75 && p.p75 > poor ? { value: p.p75, limit: poor } : undefined;
    },
    title: (c) => `${vital(c).name} p75 is poor (${vital(c).show(c.point.p75)} > ${vital(c).show(c.limit)})${on(c.where)}`,
    message: (c) => {
      const { name, show, good } = vital(c);
      return `${name} p75 was ${show(c.point.p75)} in the minute from ${c.minute} UTC over ${c.point.count} page views${within(c.where)}; poor starts at ${show(c.limit)}, good is under ${show(good)}. ${c.point.ratings ? `${c.point.ratings.poor} of ${c.point.count} were poor.` : ''}`.trim();
    },
  },
  {
    rule: 'slow_request',
    severity: 'warning',
    metric: (m) => m === 'api_request',
    judge: (p) => (p.max > RULE_LIMITS.slowRequestMs ? { value: p.max, limit: RULE_LIMITS.slowRequestMs } : undefined),
    title: (c) => `Requests over ${limitMs(c.limit)}${on(c.where)} (max ${ms(c.point.max)})`,
    message: (c) =>
      `The slowest request took ${ms(c.point.max)} in the minute from ${c.minute} UTC (p95 ${ms(c.point.p95)}, ${c.point.count} requests)${on(c.where)}.`,
  },
  {
    rule: 'long_task',
    severity: 'warning',
    metric: (m) => m === 'long_task',
    judge: (p) => (p.max > RULE_LIMITS.longTaskMs ? { value: p.max, limit: RULE_LIMITS.longTaskMs } : undefined),
    title: (c) => `Long tasks over ${limitMs(c.limit)}${on(c.where)} (max ${ms(c.point.max)})`,
    message: (c) => `A main-thread task blocked for ${ms(c.point.max)} in the minute from ${c.minute} UTC${on(c.where)}.`,
  },
  {
    rule: 'extremely_slow_query',
    severity: 'critical',
    metric: (m) => m === 'database_query',
    judge: (p) => (p.max > RULE_LIMITS.extremelySlowQueryMs ? { value: p.max, limit: RULE_LIMITS.extremelySlowQueryMs } : undefined),
    title: (c) => `A query took ${ms(c.point.max)}${within(c.where)}`,
    message: (c) => `A database query ran for ${ms(c.point.max)} in the minute from ${c.minute} UTC${within(c.where)}: over the ${limitMs(c.limit)} limit.`,
  },
  {
    rule: 'slow_query',
    severity: 'warning',
    metric: (m) => m === 'database_query',
    // An extremely slow query is the one alert for its window.
    judge: (p) => (p.max <= RULE_LIMITS.extremelySlowQueryMs && p.p95 > RULE_LIMITS.slowQueryMs ? { value: p.p95, limit: RULE_LIMITS.slowQueryMs } : undefined),
    title: (c) => `Slow queries: p95 ${ms(c.point.p95)}${within(c.where)}`,
    message: (c) =>
      `Query p95 was ${ms(c.point.p95)} over ${c.point.count} queries in the minute from ${c.minute} UTC${within(c.where)}; slow starts at ${limitMs(c.limit)}.`,
  },
  {
    rule: (d) => `circuit_breaker_${d.state ?? 'changed'}`,
    severity: (d) => (d.state === 'open' ? 'critical' : d.state === 'half_open' ? 'warning' : 'info'),
    metric: (m) => m === 'circuit_breaker_transition',
    judge: (p) => ({ value: p.count, limit: 0 }),
    title: (c) => `Circuit breaker ${c.dimensions.state?.replace('_', '-') ?? 'changed'} for ${c.dimensions.service ?? 'a service'}`,
    message: (c) =>
      `The circuit breaker for ${c.dimensions.service ?? 'a service'} went ${c.dimensions.state?.replace('_', '-') ?? 'to a new state'} at ${c.minute} UTC (${c.point.count} transition${c.point.count === 1 ? '' : 's'}).`,
  },
  {
    rule: 'sla_breach',
    severity: 'error',
    metric: (m) => m === 'sla_compliance',
    judge: (p) => (p.avg < RULE_LIMITS.slaCompliance ? { value: p.avg, limit: RULE_LIMITS.slaCompliance } : undefined),
    title: (c) => `${c.dimensions.service ?? 'A service'} met its SLA on ${percent(c.point.avg, 1)} of calls`,
    message: (c) =>
      `Only ${percent(c.point.avg, 1)} of ${c.point.count} calls to ${c.dimensions.service ?? 'the service'} met the response-time SLA in the minute from ${c.minute} UTC (target ${100 * c.limit} %).`,
  },
  {
    rule: 'low_cache_hit_rate',
    severity: 'warning',
    metric: (m) => m === 'cache_hit_rate',
    judge: (p) => (p.avg < RULE_LIMITS.cacheHitRate ? { value: p.avg, limit: RULE_LIMITS.cacheHitRate } : undefined),
    title: (c) => `Cache hit rate ${percent(c.point.avg)}${within(c.where)}`,
    message: (c) =>
      `The cache answered ${percent(c.point.avg)} of lookups in the minute from ${c.minute} UTC${within(c.where)}; the target is ${percent(c.limit)}.`,
  },
];

function vital(c: RuleContext) {
  const name = vitalName(c.metric);
  return { name, show: name === 'CLS' ? (v: number) => v.toFixed(3) : ms, good: findMetric(c.metric)!.rating!.good };
}

/** The conditions one window of one series meets, from the rule table. */
export function conditionsFor(window: SeriesWindow): Condition[] {
  const { metric, dimensions, point } = window;
  const where = describeDimensions(dimensions);
  const minute = point.t.slice(11, 16);
  const out: Condition[] = [];
  for (const rule of WINDOW_RULES) {
    if (!rule.metric(metric)) continue;
    const judged = rule.judge(point, metric);
    if (!judged) continue;
    const context = { point, dimensions, where, minute, limit: judged.limit, metric };
    const name = typeof rule.rule === 'string' ? rule.rule : rule.rule(dimensions);
    out.push({
      key: `${name}|${metric}|${JSON.stringify(dimensions)}`,
      rule: name,
      severity: typeof rule.severity === 'string' ? rule.severity : rule.severity(dimensions),
      title: rule.title(context),
      message: rule.message(context),
      metric,
      dimensions,
      value: judged.value,
      threshold: judged.limit,
    });
  }
  return out;
}

/** Server-error share per endpoint, from one window's api_request counts by status_class. */
export function serverErrorCondition(
  endpointDimensions: Readonly<Record<string, string>>,
  byClass: Readonly<Record<string, number>>,
  minute: string,
): Condition | undefined {
  const total = Object.values(byClass).reduce((a, b) => a + b, 0);
  const errors = byClass['5xx'] ?? 0;
  const limit = RULE_LIMITS.serverErrorShare;
  if (total < RULE_LIMITS.minRequestsForErrorShare || errors / total < limit) return undefined;
  const where = describeDimensions(endpointDimensions);
  return {
    key: `server_errors|api_request|${JSON.stringify(endpointDimensions)}`,
    rule: 'server_errors',
    severity: 'error',
    metric: 'api_request',
    dimensions: endpointDimensions,
    title: `${((100 * errors) / total).toFixed(1)} % server errors${on(where)}`,
    message: `${errors} of ${total} requests answered 5xx in the minute from ${minute} UTC${within(where)}; alerting starts at ${percent(limit)}.`,
    value: errors / total,
    threshold: limit,
  };
}

/** Rules judged on a window's counts split by one dimension (server errors: by status class). */
export const SPLIT_RULES: Readonly<Record<string, { splitBy: string; judge: typeof serverErrorCondition }>> = {
  api_request: { splitBy: 'status_class', judge: serverErrorCondition },
};
