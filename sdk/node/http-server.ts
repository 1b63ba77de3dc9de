import type { Monitor } from './monitor.ts';
import { statusClass } from './monitor.ts';

export interface RequestMetricOptions {
  /** Requests slower than this are tagged slow=true (the seed's 5 s). */
  slowMs?: number;
}

export interface RequestFacts {
  method: string;
  /** The route template (`/courses/:id`), never the raw path. */
  route: string;
  status: number;
  durationMs: number;
  requestBytes?: number;
  responseBytes?: number;
}

interface RouteTags {
  request: Record<string, string>;
  slowRequest: Record<string, string>;
  requestSize: Record<string, string>;
  responseSize: Record<string, string>;
}

/**
 * Tag objects are shared per (method, route, status): a busy endpoint allocates none per request,
 * and the monitor can fold its observations by object identity. Bounded: routes are templates.
 */
const routeTags = new Map<string, RouteTags>();

function tagsFor(method: string, route: string, status: number): RouteTags {
  const key = `${method} ${status} ${route}`;
  let tags = routeTags.get(key);
  if (!tags) {
    if (routeTags.size >= 5000) routeTags.clear();
    const request = { method, endpoint: route, status_code: String(status), status_class: statusClass(status) };
    tags = {
      request,
      slowRequest: { ...request, slow: 'true' },
      requestSize: { method, endpoint: route },
      responseSize: { method, endpoint: route, status_class: request.status_class },
    };
    routeTags.set(key, tags);
  }
  return tags;
}

/** One request as the seed's api_request, plus its body sizes. No header or body content is read. */
export function recordRequest(monitor: Monitor, facts: RequestFacts, options: RequestMetricOptions = {}): void {
  const tags = tagsFor(facts.method, facts.route, facts.status);
  const slow = facts.durationMs > (options.slowMs ?? 5000);
  monitor.record({ name: 'api_request', value: facts.durationMs, unit: 'ms', source: 'server', tags: slow ? tags.slowRequest : tags.request });
  // Bodiless requests (most GETs) would only add a stream of zeros.
  if (facts.requestBytes) monitor.record({ name: 'api_request_size', value: facts.requestBytes, unit: 'bytes', source: 'server', tags: tags.requestSize });
  if (facts.responseBytes !== undefined) monitor.record({ name: 'api_response_size', value: facts.responseBytes, unit: 'bytes', source: 'server', tags: tags.responseSize });
}

export const contentLength = (value: string | string[] | number | undefined): number | undefined => {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Requests that match no route are grouped, so scanners probing random paths make one series. */
export const UNMATCHED_ROUTE = '/(unmatched)';
