import type { PartialAggregate } from '../aggregation/partial-aggregate.ts';
import type { AggregatePoint } from '../aggregation/summarize.ts';
import { buildSeries } from './build-series.ts';

/** The vitals joined to endpoints, with what the answer calls their slow occurrences. */
export const JOINED_VITALS = [
  { vital: 'inp', metric: 'web_vitals_inp', label: 'INP', slow: 'slow interactions' },
  { vital: 'lcp', metric: 'web_vitals_lcp', label: 'LCP', slow: 'slow loads (LCP)' },
  { vital: 'ttfb', metric: 'web_vitals_ttfb', label: 'TTFB', slow: 'slow documents (TTFB)' },
] as const;

export interface EndpointShare {
  method: string;
  endpoint: string;
  /** Slow occurrences of the vital that waited on this endpoint. */
  count: number;
  /** Of all slow occurrences of the vital. */
  share: number;
  /** The server's own time for those requests (its Server-Timing), p75. */
  serverP75: number;
}

export interface SlowVital {
  vital: string;
  p75: number | null;
  /** Occurrences of the vital, and those rated worse than good. */
  count: number;
  slow: number;
  endpoints: EndpointShare[];
  /** "INP p75 420 ms; 62 % of slow interactions waited on POST /api/cart (server p75 310 ms)". */
  summary: string;
}

const total = (partials: Iterable<PartialAggregate>, from: number): AggregatePoint | undefined =>
  buildSeries(partials, undefined, { total: { from } })[0]?.points[0];

/**
 * One vital of a page, joined to the endpoints its slow occurrences waited on: the vital's p75,
 * how many were slow, and per endpoint the share of those that involved it and the server's p75
 * for them, busiest first. `joined` are the vital's slow_vital_endpoint partials.
 */
export function joinSlowVital(
  vital: (typeof JOINED_VITALS)[number],
  values: Iterable<PartialAggregate>,
  slow: Iterable<PartialAggregate>,
  joined: Iterable<PartialAggregate>,
  from: number,
): SlowVital {
  const overall = total(values, from);
  const slowCount = total(slow, from)?.count ?? 0;
  const byEndpoint = new Map<string, PartialAggregate[]>();
  for (const partial of joined) {
    const key = `${partial.dimensions.method ?? '?'} ${partial.dimensions.endpoint ?? '?'}`;
    const partials = byEndpoint.get(key);
    if (partials) partials.push(partial);
    else byEndpoint.set(key, [partial]);
  }
  const endpoints = [...byEndpoint].flatMap(([key, partials]) => {
    const point = total(partials, from);
    if (!point) return [];
    const at = key.indexOf(' ');
    return [
      {
        method: key.slice(0, at),
        endpoint: key.slice(at + 1),
        count: point.count,
        share: slowCount > 0 ? Math.min(1, point.count / slowCount) : 0,
        serverP75: point.p75,
      },
    ];
  });
  endpoints.sort((a, b) => b.count - a.count || (a.endpoint < b.endpoint ? -1 : 1));
  return {
    vital: vital.vital,
    p75: overall?.p75 ?? null,
    count: overall?.count ?? 0,
    slow: slowCount,
    endpoints,
    summary: summaryOf(vital, overall, slowCount, endpoints[0]),
  };
}

function summaryOf(vital: (typeof JOINED_VITALS)[number], overall: AggregatePoint | undefined, slow: number, top: EndpointShare | undefined): string {
  if (!overall) return `no ${vital.label} in this range`;
  const head = `${vital.label} p75 ${Math.round(overall.p75)} ms`;
  if (slow === 0) return `${head}; none slow`;
  if (!top) return `${head}; none of ${slow} ${vital.slow} waited on an instrumented endpoint`;
  return `${head}; ${Math.round(100 * top.share)} % of ${vital.slow} waited on ${top.method} ${top.endpoint} (server p75 ${Math.round(top.serverP75)} ms)`;
}
