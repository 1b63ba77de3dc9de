import { refuse, type Problem, type Refusal, type Result } from '@vitalstream/protocol';
import { ISO_8601_EXAMPLE, parseIsoInstant } from '@vitalstream/protocol';
import { CUSTOM_METRIC_NAME, dimensionsOf, findMetric } from '@vitalstream/protocol';
import type { MetricUnit } from '@vitalstream/protocol';
import type { AggregateQuery } from '../ports.ts';

export const MAX_QUERY_RANGE_MS = 31 * 24 * 60 * 60 * 1000;
export const DEFAULT_QUERY_RANGE_MS = 60 * 60 * 1000;
const RESERVED = new Set(['metric', 'from', 'to', 'group_by', 'step']);
/** Problems named one by one in a refusal; the rest are counted. 15 KB of junk parameters once echoed 440 KB. */
export const MAX_LISTED_PROBLEMS = 10;
/** How much of a client's own text a refusal repeats. */
const MAX_ECHO = 64;

/** A client's text as a refusal quotes it: cut to MAX_ECHO characters. */
export const echo = (text: string): string => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);

/** The refusal of a query: its problems, at most MAX_LISTED_PROBLEMS of them by name. */
export function queryRefusal(problems: readonly Problem[]): { ok: false; refusal: Refusal } {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  const message = listed.map((p) => `${p.path} ${p.reason}`).join('; ') + (more > 0 ? `; and ${more} more problems` : '');
  return refuse(400, 'invalid_query', message, more > 0 ? [...listed, { path: '(more)', reason: `${more} more problems not listed` }] : listed);
}

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
  else if (!definition && !isCustom) problems.push({ path: 'metric', reason: `'${echo(metric)}' is not a known metric (GET /v1/metrics lists them)` });

  const { from, to } = readTimeRange(params, now, problems);

  const allowed = definition ? new Set(dimensionsOf(definition)) : undefined;
  const dimensionAllowed = (key: string) => (isCustom ? /^[a-z][a-z0-9_]{0,63}$/.test(key) : (allowed?.has(key) ?? false));
  const filters: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (RESERVED.has(key) || value === undefined) continue;
    if (!dimensionAllowed(key)) unknown.push(key);
    else if (value.length > 256) problems.push({ path: key, reason: 'is longer than 256 characters' });
    else filters[key] = value;
  }
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 5)
      .map((key) => `'${echo(key)}'`)
      .join(', ');
    problems.push({
      path: unknown.length === 1 ? echo(unknown[0]!) : '(parameters)',
      reason: `${unknown.length === 1 ? 'is not a dimension' : `${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} are not dimensions`} of ${echo(metric ?? 'this metric')}${allowed ? ` (dimensions: ${[...allowed].join(', ')})` : ''}`,
    });
  }
  const step = params.step ?? 'minute';
  if (!Object.hasOwn(STEPS, step)) problems.push({ path: 'step', reason: `must be one of ${Object.keys(STEPS).join(', ')}` });
  const groupBy = params.group_by;
  if (groupBy !== undefined && !dimensionAllowed(groupBy)) {
    problems.push({ path: 'group_by', reason: `'${echo(groupBy)}' is not a dimension of ${echo(metric ?? 'this metric')}` });
  }
  if (problems.length > 0 || !metric || from === undefined || to === undefined) return queryRefusal(problems);
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

/** Epoch milliseconds or ISO 8601 with a zone, as beacons take them: a time without one would be read in the server's zone. */
function readTime(raw: string, name: string, problems: Problem[]): number | undefined {
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : parseIsoInstant(raw);
  if (value === undefined) {
    problems.push({ path: name, reason: `'${echo(raw)}' is not epoch milliseconds or a real ISO 8601 time with a zone (e.g. ${ISO_8601_EXAMPLE})` });
    return undefined;
  }
  return value;
}
