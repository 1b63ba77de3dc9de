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

/** One request as the seed's api_request, plus its body sizes. No header or body content is read. */
export function recordRequest(monitor: Monitor, facts: RequestFacts, options: RequestMetricOptions = {}): void {
  const tags = {
    method: facts.method,
    endpoint: facts.route,
    status_code: String(facts.status),
    status_class: statusClass(facts.status),
  };
  const slow = facts.durationMs > (options.slowMs ?? 5000);
  monitor.record({ name: 'api_request', value: facts.durationMs, unit: 'ms', source: 'server', tags: slow ? { ...tags, slow: 'true' } : tags });
  if (facts.requestBytes !== undefined) monitor.record({ name: 'api_request_size', value: facts.requestBytes, unit: 'bytes', source: 'server', tags: { method: facts.method, endpoint: facts.route } });
  if (facts.responseBytes !== undefined) monitor.record({ name: 'api_response_size', value: facts.responseBytes, unit: 'bytes', source: 'server', tags: { method: facts.method, endpoint: facts.route, status_class: tags.status_class } });
}

export const contentLength = (value: string | string[] | number | undefined): number | undefined => {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Requests that match no route are grouped, so scanners probing random paths make one series. */
export const UNMATCHED_ROUTE = '/(unmatched)';
