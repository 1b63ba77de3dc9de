import { emptyPartial, mergeInto, type PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { summarize } from '../aggregation/summarize.ts';
import { ADVICE_LIMITS } from '../settings.ts';

export const ADVICE_METRICS = ['database_query', 'cache_hit_rate', 'api_request'] as const;

export interface Advice {
  rule: 'slow_queries' | 'cache_miss_rate' | 'api_response_time';
  severity: 'info' | 'warning';
  title: string;
  recommendation: string;
  /** The worst offenders, with the numbers that make the case. */
  evidence: Record<string, string | number>[];
}

export { ADVICE_LIMITS };

/** The dimensions each metric's advice is grouped by. */
const ADVICE_GROUPS: Readonly<Record<(typeof ADVICE_METRICS)[number], readonly string[]>> = {
  database_query: ['fingerprint', 'table'],
  cache_hit_rate: ['cache', 'key_prefix'],
  api_request: ['method', 'endpoint'],
};

/**
 * One pass over the partials, merging each into its metric's group as it is read: the memory a
 * period takes is one sketch per group (query shape, cache prefix, endpoint), not one per partial.
 */
function mergeGroups(partials: Iterable<PartialAggregate>) {
  const groups = new Map<string, Map<string, PartialAggregate>>();
  for (const partial of partials) {
    const keys = ADVICE_GROUPS[partial.metric as keyof typeof ADVICE_GROUPS];
    if (!keys) continue;
    const dimensions: Record<string, string> = {};
    for (const key of keys) dimensions[key] = partial.dimensions[key] ?? '(none)';
    const id = JSON.stringify(dimensions);
    let byId = groups.get(partial.metric);
    if (!byId) groups.set(partial.metric, (byId = new Map()));
    let group = byId.get(id);
    if (!group) byId.set(id, (group = emptyPartial(partial.metric, 0, dimensions)));
    mergeInto(group, partial);
  }
  return (metric: string) => [...(groups.get(metric)?.values() ?? [])].map((g) => ({ dimensions: g.dimensions, point: summarize(g) }));
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * Recommendations with evidence from the aggregates of a period. They are advice, not actions:
 * nothing here touches a database or a cache (creating indexes, changing cache TTLs or compression become
 * a documented hook a team can wire to its own tooling).
 */
export function adviseFrom(partials: Iterable<PartialAggregate>, top = 5): Advice[] {
  const advice: Advice[] = [];
  const merged = mergeGroups(partials);
  const queries = merged('database_query').sort((a, b) => b.point.sum - a.point.sum);
  const slowQueries = queries.filter((q) => q.point.max > ADVICE_LIMITS.slowQueryMs || q.point.p95 > ADVICE_LIMITS.slowQueryP95Ms);
  if (slowQueries.length > 0) {
    advice.push({
      rule: 'slow_queries',
      severity: slowQueries.some((q) => q.point.p95 > ADVICE_LIMITS.slowQueryMs) ? 'warning' : 'info',
      title: `${slowQueries.length} query shape${slowQueries.length === 1 ? '' : 's'} ran slow; the top one took ${round(slowQueries[0]!.point.sum / 1000)} s in total`,
      recommendation:
        'Run EXPLAIN (ANALYZE) on these fingerprints: look for sequential scans that an index on the filtered columns would avoid, and for N+1 patterns (a high count with a low p95). If the pool waits (connection_pool_waiting > 0) rather than the query, raise the pool size instead.',
      evidence: queries.slice(0, top).map((q) => ({
        fingerprint: q.dimensions.fingerprint!,
        table: q.dimensions.table!,
        calls: q.point.count,
        total_ms: Math.round(q.point.sum),
        p95_ms: round(q.point.p95),
        max_ms: round(q.point.max),
      })),
    });
  }
  const caches = merged('cache_hit_rate')
    .filter((c) => c.point.avg < ADVICE_LIMITS.cacheHitRate)
    .sort((a, b) => a.point.avg - b.point.avg);
  if (caches.length > 0) {
    advice.push({
      rule: 'cache_miss_rate',
      severity: 'warning',
      title: `${caches.length} cache key prefix${caches.length === 1 ? '' : 'es'} hit under 80 %; worst: ${caches[0]!.dimensions.key_prefix} at ${Math.round(100 * caches[0]!.point.avg)} %`,
      recommendation:
        'Check the TTLs of these prefixes (entries expiring before reuse), warm the popular keys after deploys, and make sure keys do not embed values that change per request.',
      evidence: caches
        .slice(0, top)
        .map((c) => ({ cache: c.dimensions.cache!, key_prefix: c.dimensions.key_prefix!, hit_rate: round(100 * c.point.avg) / 100, samples: c.point.count })),
    });
  }
  const endpoints = merged('api_request')
    .filter((e) => e.point.p95 > ADVICE_LIMITS.apiResponseMs)
    .sort((a, b) => b.point.p95 * b.point.count - a.point.p95 * a.point.count);
  if (endpoints.length > 0) {
    advice.push({
      rule: 'api_response_time',
      severity: 'warning',
      title: `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} answered slower than 2 s at p95; worst: ${endpoints[0]!.dimensions.method} ${endpoints[0]!.dimensions.endpoint}`,
      recommendation:
        'For each: enable response compression, cache responses that do not vary per user, and look at the database queries it runs (the slow_queries advice) and its external calls (external_api_call by service).',
      evidence: endpoints.slice(0, top).map((e) => ({
        method: e.dimensions.method!,
        endpoint: e.dimensions.endpoint!,
        requests: e.point.count,
        p95_ms: round(e.point.p95),
        p99_ms: round(e.point.p99),
      })),
    });
  }
  return advice;
}
