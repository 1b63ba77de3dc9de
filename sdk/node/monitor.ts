import { METRICS } from '../../src/registry/metrics.ts';
import { backoffDelay } from '../../src/resilience/backoff.ts';
import { MetricFold, type SeriesTemplate } from './fold.ts';
import { workerTransport } from './worker-transport.ts';

export interface ServerMetric {
  name: string;
  value: number;
  /** How many times `value` occurred (set by the monitor when it folds repeats). */
  count?: number;
  unit?: 'ms' | 'bytes' | 'count' | '%' | 'rate' | 'score';
  timestamp?: number;
  source?: 'server' | 'database' | 'external_api' | 'system';
  tags?: Record<string, string>;
}

/** Delivers one beacon body; resolves with the HTTP status (or throws on a network error). */
export type Transport = (body: string) => Promise<number>;

export interface MonitorOptions {
  app: string;
  /** The beacon URL, sent to from a worker thread; ignored when `transport` is given. */
  endpoint?: string;
  transport?: Transport;
  service?: string;
  release?: string;
  /** Hard bound on buffered entries; beyond it the oldest are dropped and counted. */
  maxBuffer?: number;
  flushIntervalMs?: number;
  maxRetries?: number;
  onError?: (error: Error) => void;
}

export interface Monitor {
  record(metric: ServerMetric): void;
  flush(): Promise<void>;
  /** Flushes and stops the timer; call it from your shutdown path (it is also run on beforeExit). */
  shutdown(): Promise<void>;
  /**
   * A recorder for one series recorded over and over with only the value changing (a route's
   * requests): the same as `record({ ...template, value })`, with less work per value.
   */
  series(template: SeriesTemplate): (value: number, timestamp?: number) => void;
  /** Runs `handOver` at the start of every flush: for recorders that batch, to hand over what they hold. */
  beforeFlush(handOver: () => void): void;
  readonly dropped: number;
  readonly options: MonitorOptions;
}

const MAX_METRICS_PER_BEACON = 500;
/** A busy server sends as soon as two beacons' worth is waiting instead of holding a burst until the timer. */
const EARLY_FLUSH_AT = 1000;
const MAX_BEACON_BYTES = 60_000;

/**
 * The server-side collector: metrics go into a bounded in-memory buffer and leave in beacons every
 * few seconds. It never throws into the host application (errors go to `onError`), never blocks
 * the event loop (timers are unref'd, sends are async) and retries 429/5xx with backoff. When the
 * buffer is full the oldest metrics are dropped, counted, and the count is reported as a metric.
 */
export function createMonitor(options: MonitorOptions): Monitor {
  const transport = options.transport ?? (options.endpoint ? workerTransport(options.endpoint) : undefined);
  if (!transport) throw new Error('createMonitor needs an endpoint (the beacon URL) or a transport');
  const maxBuffer = options.maxBuffer ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const onError = options.onError ?? (() => undefined);
  // Durations and sizes fold into counted entries; everything else is kept as is.
  const folded = new MetricFold();
  let buffer: ServerMetric[] = [];
  let dropped = 0;
  let droppedReported = 0;
  let flushing: Promise<void> | undefined;
  let stopped = false;

  const context: Record<string, string> = {};
  if (options.service) context.service = options.service;
  if (options.release) context.release = options.release;

  /** Drops the `n` oldest entries (plain first, then folded) and counts every occurrence dropped. */
  const dropOldest = (n: number) => {
    const fromBuffer = buffer.splice(0, n);
    dropped += fromBuffer.length;
    if (n > fromBuffer.length) dropped += folded.dropOldest(n - fromBuffer.length);
  };

  const record = (metric: ServerMetric) => {
    if (stopped || !Number.isFinite(metric.value)) return;
    const timestamp = metric.timestamp ?? Date.now();
    if (!folded.add(metric, timestamp)) buffer.push({ ...metric, timestamp });
    keepBound();
  };

  const series = (template: SeriesTemplate) => {
    const folding = folded.series(template);
    return (value: number, timestamp = Date.now()) => {
      if (stopped || !Number.isFinite(value)) return;
      if (!folding.add(value, timestamp)) buffer.push({ ...template, value, timestamp });
      keepBound();
    };
  };

  function keepBound() {
    const entries = buffer.length + folded.size;
    if (entries > maxBuffer) {
      // Drop a tenth at once: removing one entry per record would make every record O(buffer).
      dropOldest(entries - maxBuffer + Math.ceil(maxBuffer / 10));
    } else if (entries === EARLY_FLUSH_AT && !flushing) {
      setImmediate(() => void flush()).unref();
    }
  }

  const sendWithRetry = async (body: string) => {
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      try {
        status = await transport(body);
      } catch (error) {
        if (attempt >= maxRetries) throw error;
      }
      if (status >= 200 && status < 300) return;
      if (status !== 0 && status !== 429 && status < 500) throw new Error(`beacon refused with HTTP ${status}`);
      if (attempt >= maxRetries) throw new Error(`beacon not accepted after ${attempt + 1} attempts (last HTTP ${status || 'network error'})`);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 1, 200, 5000)).unref());
    }
  };

  const handOvers: (() => void)[] = [];
  const flushOnce = async () => {
    for (const handOver of handOvers) {
      try {
        handOver();
      } catch (error) {
        onError(error as Error);
      }
    }
    if (dropped > droppedReported) {
      buffer.push({ name: 'sdk_dropped_metrics', value: dropped - droppedReported, unit: 'count', timestamp: Date.now(), source: 'system' });
      droppedReported = dropped;
    }
    const batch = [...buffer, ...folded.take()];
    buffer = [];
    for (const body of toBodies(options.app, context, batch)) {
      try {
        await sendWithRetry(body);
      } catch (error) {
        onError(error as Error);
      }
    }
  };

  const flush = () => {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 5000);
  timer.unref();
  const onBeforeExit = () => void flush();
  process.once('beforeExit', onBeforeExit);

  return {
    record,
    flush,
    series,
    beforeFlush: (handOver) => void handOvers.push(handOver),
    async shutdown() {
      clearInterval(timer);
      process.off('beforeExit', onBeforeExit);
      await flushing;
      await flush();
      stopped = true;
    },
    get dropped() {
      return dropped;
    },
    options,
  };
}

function toBodies(app: string, context: Record<string, string>, metrics: ServerMetric[]): string[] {
  const bodies: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const emit = () => {
    if (batch.length) bodies.push(`{"app":${JSON.stringify(app)},"context":${JSON.stringify(context)},"metrics":[${batch.join(',')}]}`);
    batch = [];
    size = 0;
  };
  for (const metric of metrics) {
    const json = JSON.stringify(metric, withoutRegistryDefaults);
    if (batch.length === MAX_METRICS_PER_BEACON || size + json.length > MAX_BEACON_BYTES) emit();
    batch.push(json);
    size += json.length + 1;
  }
  emit();
  return bodies;
}

/** The registry already knows a registered metric's unit and source: leaving them out cuts beacon bytes by a fifth. */
function withoutRegistryDefaults(this: unknown, key: string, value: unknown): unknown {
  if ((key === 'unit' || key === 'source') && this && typeof this === 'object') {
    const known = METRICS.get((this as ServerMetric).name);
    if (known && (known as unknown as Record<string, unknown>)[key] === value) return undefined;
  }
  return value;
}

export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;
