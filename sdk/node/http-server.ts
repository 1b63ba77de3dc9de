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

/**
 * One (route, method, status) of one monitor: its tag objects, made once, and recorders for its
 * durations and response sizes. Going through `monitor.series` instead of a `monitor.record` call
 * per request saved a hello-world app about 3 % of its throughput.
 */
class RouteSeries {
  readonly slowRequest: Record<string, string>;
  readonly requestSize: Record<string, string>;
  readonly duration: (value: number) => void;
  readonly responseSize: (value: number) => void;

  constructor(monitor: Monitor, method: string, route: string, status: number) {
    const status_class = statusClass(status);
    const request = { method, endpoint: route, status_code: String(status), status_class };
    this.slowRequest = { ...request, slow: 'true' };
    this.requestSize = { method, endpoint: route };
    this.duration = monitor.series({ name: 'api_request', unit: 'ms', source: 'server', tags: request });
    this.responseSize = monitor.series({ name: 'api_response_size', unit: 'bytes', source: 'server', tags: { method, endpoint: route, status_class } });
  }
}

const MAX_SERIES = 5000;

/**
 * Every request of one monitor, by route series. Series are found through nested maps, so no key
 * string is built per request. Bounded: routes are templates, and past 5,000 series it starts over.
 */
export class RequestRecorder {
  private series = new Map<string, Map<string, Map<number, RouteSeries>>>();
  private size = 0;
  private readonly slowMs: number;

  constructor(private readonly monitor: Monitor, options: RequestMetricOptions = {}) {
    this.slowMs = options.slowMs ?? 5000;
  }

  /** One request as the seed's api_request, plus its body sizes. No header or body content is read. */
  record(facts: RequestFacts): void {
    const series = this.seriesFor(facts.method, facts.route, facts.status);
    // Slow requests carry their own tag; they are rare and go one by one.
    if (facts.durationMs > this.slowMs) this.monitor.record({ name: 'api_request', value: facts.durationMs, unit: 'ms', source: 'server', tags: series.slowRequest });
    else series.duration(facts.durationMs);
    // Bodiless requests (most GETs) would only add a stream of zeros.
    if (facts.requestBytes) this.monitor.record({ name: 'api_request_size', value: facts.requestBytes, unit: 'bytes', source: 'server', tags: series.requestSize });
    if (facts.responseBytes !== undefined) series.responseSize(facts.responseBytes);
  }

  private seriesFor(method: string, route: string, status: number): RouteSeries {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      if (++this.size > MAX_SERIES) {
        this.series.clear();
        this.size = 0;
        return this.seriesFor(method, route, status);
      }
      byStatus.set(status, (series = new RouteSeries(this.monitor, method, route, status)));
    }
    return series;
  }
}

export const contentLength = (value: string | string[] | number | undefined): number | undefined => {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Requests that match no route are grouped, so scanners probing random paths make one series. */
export const UNMATCHED_ROUTE = '/(unmatched)';
