import { emptyPartial, mergeInto, type PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { summarize } from '../aggregation/summarize.ts';
import { conditionsFor, SPLIT_RULES, type Condition } from './rules.ts';

/** The dimensions an alert is about, per metric: fine enough to act on, coarse enough not to spam. */
export const ALERT_GROUPS: Readonly<Record<string, readonly string[]>> = {
  web_vitals_lcp: ['app', 'page'],
  web_vitals_inp: ['app', 'page'],
  web_vitals_cls: ['app', 'page'],
  web_vitals_fcp: ['app', 'page'],
  web_vitals_ttfb: ['app', 'page'],
  api_request: ['app', 'method', 'endpoint'],
  long_task: ['app', 'page'],
  database_query: ['app', 'query_type', 'table'],
  circuit_breaker_transition: ['app', 'service', 'state'],
  sla_compliance: ['app', 'service'],
  cache_hit_rate: ['app', 'cache', 'key_prefix'],
};

export const ALERT_METRICS = Object.keys(ALERT_GROUPS);

/** The dimensions of the alert group a partial belongs to, or undefined for metrics nobody alerts on. */
export function alertGroupOf(partial: PartialAggregate): Record<string, string> | undefined {
  const keys = ALERT_GROUPS[partial.metric];
  if (!keys) return undefined;
  const out: Record<string, string> = {};
  for (const key of keys) if (partial.dimensions[key] !== undefined) out[key] = partial.dimensions[key]!;
  return out;
}

/**
 * Turns the partials of the alerting metrics into the conditions that hold now: for each alert
 * group, the newest window with data is judged against the rule table, and the rules that judge
 * a window's counts split by one dimension (server errors by status class) get those counts.
 */
export function evaluateConditions(partials: readonly PartialAggregate[]): Condition[] {
  const latest = new Map<string, PartialAggregate>();
  const splits = new Map<string, Record<string, number>>();
  for (const partial of partials) {
    const dimensions = alertGroupOf(partial);
    if (!dimensions) continue;
    const groupKey = `${partial.metric}|${JSON.stringify(dimensions)}`;
    const current = latest.get(groupKey);
    if (!current || partial.windowStart > current.windowStart) {
      const fresh = emptyPartial(partial.metric, partial.windowStart, dimensions);
      mergeInto(fresh, partial);
      latest.set(groupKey, fresh);
    } else if (partial.windowStart === current.windowStart) {
      mergeInto(current, partial);
    }
    const split = SPLIT_RULES[partial.metric];
    if (split) {
      const windowKey = `${groupKey}|${partial.windowStart}`;
      const counts = splits.get(windowKey) ?? {};
      const value = partial.dimensions[split.splitBy] ?? 'unknown';
      counts[value] = (counts[value] ?? 0) + partial.count;
      splits.set(windowKey, counts);
    }
  }
  const conditions: Condition[] = [];
  for (const [groupKey, partial] of latest) {
    conditions.push(...conditionsFor({ metric: partial.metric, dimensions: partial.dimensions, point: summarize(partial) }));
    const counts = splits.get(`${groupKey}|${partial.windowStart}`);
    const condition = counts && SPLIT_RULES[partial.metric]!.judge(partial.dimensions, counts, new Date(partial.windowStart).toISOString().slice(11, 16));
    if (condition) conditions.push(condition);
  }
  return conditions;
}
