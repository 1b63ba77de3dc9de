import { newSketch } from '../../src/aggregation/sketch.ts';
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

const mapping = newSketch().mapping;

/**
 * One (route, method, status) of one monitor: its tag objects, and the minute's requests counted
 * by duration bin (the server sketch's own 1 % bins) and by response size. Counting here, instead of
 * handing every request to `monitor.record`, cost a hello-world app about 3 % less throughput.
 */
class RouteSeries {
  readonly request: Record<string, string>;
  readonly slowRequest: Record<string, string>;
  readonly requestSize: Record<string, string>;
  readonly responseSize: Record<string, string>;
  minute = -1;
  readonly durationBins = new Map<number, number>();
  readonly responseSizes = new Map<number, number>();

  constructor(method: string, route: string, status: number) {
    const status_class = statusClass(status);
    this.request = { method, endpoint: route, status_code: String(status), status_class };
    this.slowRequest = { ...this.request, slow: 'true' };
    this.requestSize = { method, endpoint: route };
    this.responseSize = { method, endpoint: route, status_class };
  }

  /** Hands the counted minute to the monitor as folded metrics (value, count), starts over, and says how many counts it handed. */
  drainInto(monitor: Monitor): number {
    const handed = this.durationBins.size + this.responseSizes.size;
    const timestamp = this.minute * 60_000;
    for (const [bin, count] of this.durationBins) monitor.record({ name: 'api_request', value: mapping.value(bin), count, unit: 'ms', timestamp, source: 'server', tags: this.request });
    for (const [bytes, count] of this.responseSizes) monitor.record({ name: 'api_response_size', value: bytes, count, unit: 'bytes', timestamp, source: 'server', tags: this.responseSize });
    this.durationBins.clear();
    this.responseSizes.clear();
    return handed;
  }
}

const MAX_SERIES = 5000;

/**
 * Every request of one monitor, counted per route series until the monitor flushes. Series are
 * found through nested maps, so no key string is built per request. Bounded: routes are templates,
 * series are capped, and once `maxCounts` distinct counts wait, further ones go to `monitor.record`,
 * whose buffer bound and drop count apply.
 */
export class RequestCounter {
  private series = new Map<string, Map<string, Map<number, RouteSeries>>>();
  private all: RouteSeries[] = [];
  private counts = 0;
  private readonly maxCounts: number;

  constructor(private readonly monitor: Monitor, private readonly options: RequestMetricOptions = {}) {
    this.maxCounts = monitor.options.maxBuffer ?? 10_000;
    monitor.onFlush(() => this.drain());
  }

  /** One request as the seed's api_request, plus its body sizes. No header or body content is read. */
  record(facts: RequestFacts): void {
    const series = this.seriesFor(facts.method, facts.route, facts.status);
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== series.minute) {
      if (series.minute >= 0) this.counts -= series.drainInto(this.monitor);
      series.minute = minute;
    }
    const duration = facts.durationMs;
    // Slow requests carry their own tag, and a zero has no bin: both are rare and go one by one.
    if (duration > (this.options.slowMs ?? 5000) || !(duration > 0)) {
      this.monitor.record({ name: 'api_request', value: duration, unit: 'ms', source: 'server', tags: duration > 0 ? series.slowRequest : series.request });
    } else {
      this.count(series.durationBins, mapping.key(duration), duration, 'api_request', 'ms', series.request);
    }
    // Bodiless requests (most GETs) would only add a stream of zeros.
    if (facts.requestBytes) this.monitor.record({ name: 'api_request_size', value: facts.requestBytes, unit: 'bytes', source: 'server', tags: series.requestSize });
    const bytes = facts.responseBytes;
    if (bytes !== undefined) this.count(series.responseSizes, bytes, bytes, 'api_response_size', 'bytes', series.responseSize);
  }

  private count(counts: Map<number, number>, key: number, value: number, name: string, unit: 'ms' | 'bytes', tags: Record<string, string>): void {
    const before = counts.get(key);
    if (before !== undefined) counts.set(key, before + 1);
    else if (this.counts < this.maxCounts) {
      counts.set(key, 1);
      this.counts += 1;
    } else this.monitor.record({ name, value, unit, source: 'server', tags });
  }

  private seriesFor(method: string, route: string, status: number): RouteSeries {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      if (this.all.length >= MAX_SERIES) {
        this.drain();
        this.series.clear();
        this.all = [];
        return this.seriesFor(method, route, status);
      }
      byStatus.set(status, (series = new RouteSeries(method, route, status)));
      this.all.push(series);
    }
    return series;
  }

  private drain(): void {
    for (const series of this.all) series.drainInto(this.monitor);
    this.counts = 0;
  }
}

export const contentLength = (value: string | string[] | number | undefined): number | undefined => {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Requests that match no route are grouped, so scanners probing random paths make one series. */
export const UNMATCHED_ROUTE = '/(unmatched)';
