import { refuse, type Problem, type Result } from '../beacon/problems.ts';
import { CUSTOM_METRIC_NAME, dimensionsOf, findMetric } from '../registry/metrics.ts';
import type { MetricUnit } from '../registry/metric-definition.ts';
import type { AggregateQuery } from '../ports.ts';

export const MAX_QUERY_RANGE_MS = 31 * 24 * 60 * 60 * 1000;
export const DEFAULT_QUERY_RANGE_MS = 60 * 60 * 1000;
const RESERVED = new Set(['metric', 'from', 'to', 'group_by', 'step']);

/** Point widths a query may ask for; `total` merges the whole range into one point. */
export const STEPS = { minute: 60_000, '5m': 300_000, '15m': 900_000, hour: 3_600_000, total: undefined } as const;
export type Step = keyof typeof STEPS;

export interface ParsedAggregateQuery extends AggregateQuery {
  readonly unit: MetricUnit | 'unknown';
  readonly groupBy?: string;
  /** `minute` (default) or a coarser width for long ranges; `total`: one point for the whole range. */
  readonly step: Step;
}

/** Reads GET /v1/aggregates parameters; `from` defaults to one hour before `to`, `to` to now. */
export function parseAggregateQuery(params: Readonly<Record<string, string | undefined>>, now: number): Result<ParsedAggregateQuery> {
  const problems: Problem[] = [];
  const metric = params.metric;
  const definition = metric ? findMetric(metric) : undefined;
  const isCustom = metric !== undefined && CUSTOM_METRIC_NAME.test(metric);
  if (!metric) problems.push({ path: 'metric', reason: 'is required (e.g. metric=web_vitals_lcp)' });
  else if (!definition && !isCustom) problems.push({ path: 'metric', reason: `'${metric}' is not a known metric` });

  const { from, to } = readTimeRange(params, now, problems);

  const allowed = definition ? new Set(dimensionsOf(definition)) : undefined;
  const dimensionAllowed = (key: string) => (isCustom ? /^[a-z][a-z0-9_]{0,63}$/.test(key) : allowed?.has(key) ?? false);
  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (RESERVED.has(key) || value === undefined) continue;
    if (!dimensionAllowed(key)) {
      problems.push({ path: key, reason: `is not a dimension of ${metric ?? 'this metric'}${allowed ? ` (dimensions: ${[...allowed].join(', ')})` : ''}` });
    } else if (value.length > 256) {
      problems.push({ path: key, reason: 'is longer than 256 characters' });
    } else {
      filters[key] = value;
    }
  }
  const step = params.step ?? 'minute';
  if (!Object.hasOwn(STEPS, step)) problems.push({ path: 'step', reason: `must be one of ${Object.keys(STEPS).join(', ')}` });
  const groupBy = params.group_by;
  if (groupBy !== undefined && !dimensionAllowed(groupBy)) {
    problems.push({ path: 'group_by', reason: `'${groupBy}' is not a dimension of ${metric ?? 'this metric'}` });
  }
  if (problems.length > 0 || !metric || from === undefined || to === undefined) {
    return refuse(400, 'invalid_query', problems.map((p) => `${p.path} ${p.reason}`).join('; '), problems);
  }
  return {
    ok: true,
    value: { metric, unit: definition?.unit ?? 'unknown', from, to, filters, step: step as Step, ...(groupBy ? { groupBy } : {}) },
  };
}

/** `from` (inclusive) and `to` (exclusive): `to` defaults to now, `from` to an hour before `to`; at most 31 days. */
export function readTimeRange(params: Readonly<Record<string, string | undefined>>, now: number, problems: Problem[]): { from?: number; to?: number } {
  const to = params.to === undefined ? now : readTime(params.to, 'to', problems);
  const from = params.from === undefined ? (to ?? now) - DEFAULT_QUERY_RANGE_MS : readTime(params.from, 'from', problems);
  if (from !== undefined && to !== undefined) {
    if (from >= to) problems.push({ path: 'from', reason: 'must be before to' });
    else if (to - from > MAX_QUERY_RANGE_MS) problems.push({ path: 'to', reason: 'the range may span at most 31 days' });
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

function readTime(raw: string, name: string, problems: Problem[]): number | undefined {
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(value)) {
    problems.push({ path: name, reason: `'${raw}' is not epoch milliseconds or an ISO 8601 time` });
    return undefined;
  }
  return value;
}
