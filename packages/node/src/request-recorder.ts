import type { Monitor } from './monitor.ts';
import { statusClass } from './monitor.ts';

export interface RequestMetricOptions {
  /** Requests slower than this are tagged slow=true (5 s: the slow-request alert's limit). */
  slowMs?: number;
  /**
   * Add `Server-Timing: app;dur=<ms>;desc="<METHOD> <route>"` to each response (default true), so
   * the browser SDK's server_timing for a page lines up with the server's own api_request, and its
   * slow vitals are joined to the endpoint that served them.
   */
  serverTiming?: boolean;
  /**
   * Continue the caller's W3C trace (or start one) and return it as a Server-Timing
   * `traceparent` entry (default true; only with `serverTiming`). Nothing about it is stored.
   */
  traceContext?: boolean;
  /**
   * `Timing-Allow-Origin` for the answers (e.g. `https://shop.example`): a browser shows another
   * origin's Server-Timing to the page only with it, and the browser SDK joins slow interactions
   * to a cross-origin API's endpoints through it. Unset, no header is added.
   */
  timingAllowOrigin?: string;
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
  readonly duration: (value: number, timestamp?: number) => void;
  readonly responseSize: (value: number, timestamp?: number) => void;

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
/** Requests kept raw before they are folded: a few pages of memory, and the fold runs at most every this many requests. */
const BATCH = 1024;

/**
 * Every request of one monitor, by route series. A request is only written down (six numbers and
 * two strings into preallocated arrays); folding happens in batches, when the arrays are full and
 * before every flush. Folding one request at a time touched the series maps, sketch bins and
 * counters of the fold on every request, whose memory a busy server has long evicted from the CPU
 * caches; a batch folds with them warm. Series are found through nested maps, so no key string is
 * built per request. Bounded: routes are templates, and past 5,000 series it starts over.
 */
export class RequestRecorder {
  private series = new Map<string, Map<string, Map<number, RouteSeries>>>();
  private size = 0;
  private readonly slowMs: number;
  private pending = 0;
  private readonly methods: string[] = new Array<string>(BATCH).fill('');
  private readonly routes: string[] = new Array<string>(BATCH).fill('');
  private readonly statuses = new Uint16Array(BATCH);
  private readonly durations = new Float64Array(BATCH);
  private readonly timestamps = new Float64Array(BATCH);
  /** NaN where the size is unknown. */
  private readonly requestBytes = new Float64Array(BATCH);
  private readonly responseBytes = new Float64Array(BATCH);

  constructor(
    private readonly monitor: Monitor,
    options: RequestMetricOptions = {},
  ) {
    this.slowMs = options.slowMs ?? 5000;
    monitor.beforeFlush(() => this.fold());
  }

  /** One request as an api_request metric, plus its body sizes. No header or body content is read. */
  record(facts: RequestFacts): void {
    const i = this.pending++;
    this.methods[i] = facts.method;
    this.routes[i] = facts.route;
    this.statuses[i] = facts.status;
    this.durations[i] = facts.durationMs;
    this.timestamps[i] = Date.now();
    this.requestBytes[i] = facts.requestBytes ?? Number.NaN;
    this.responseBytes[i] = facts.responseBytes ?? Number.NaN;
    if (this.pending === BATCH) this.fold();
  }

  /** Hands the requests written down so far to the monitor's fold. */
  fold(): void {
    const n = this.pending;
    this.pending = 0;
    for (let i = 0; i < n; i++) {
      const series = this.seriesFor(this.methods[i]!, this.routes[i]!, this.statuses[i]!);
      const durationMs = this.durations[i]!;
      const timestamp = this.timestamps[i]!;
      // Slow requests carry their own tag; they are rare and go one by one.
      if (durationMs > this.slowMs)
        this.monitor.record({ name: 'api_request', value: durationMs, unit: 'ms', source: 'server', tags: series.slowRequest, timestamp });
      else series.duration(durationMs, timestamp);
      // Bodiless requests (most GETs) would only add a stream of zeros.
      const requestBytes = this.requestBytes[i]!;
      if (requestBytes > 0)
        this.monitor.record({ name: 'api_request_size', value: requestBytes, unit: 'bytes', source: 'server', tags: series.requestSize, timestamp });
      const responseBytes = this.responseBytes[i]!;
      if (responseBytes >= 0) series.responseSize(responseBytes, timestamp);
    }
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
