import { backoffDelay } from '../../src/resilience/backoff.ts';

export interface ServerMetric {
  name: string;
  value: number;
  unit?: 'ms' | 'bytes' | 'count' | '%' | 'rate' | 'score';
  timestamp?: number;
  source?: 'server' | 'database' | 'external_api' | 'system';
  tags?: Record<string, string>;
}

/** Delivers one beacon body; resolves with the HTTP status (or throws on a network error). */
export type Transport = (body: string) => Promise<number>;

export interface MonitorOptions {
  app: string;
  /** The beacon URL; ignored when `transport` is given. */
  endpoint?: string;
  transport?: Transport;
  service?: string;
  release?: string;
  /** Hard bound on buffered metrics; beyond it the oldest are dropped and counted. */
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
  readonly dropped: number;
  readonly options: MonitorOptions;
}

const MAX_METRICS_PER_BEACON = 500;
const MAX_BEACON_BYTES = 60_000;

export function httpTransport(endpoint: string): Transport {
  return async (body) => {
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  };
}

/**
 * The server-side collector: metrics go into a bounded in-memory buffer and leave in beacons every
 * few seconds. It never throws into the host application (errors go to `onError`), never blocks
 * the event loop (timers are unref'd, sends are async) and retries 429/5xx with backoff. When the
 * buffer is full the oldest metrics are dropped, counted, and the count is reported as a metric.
 */
export function createMonitor(options: MonitorOptions): Monitor {
  const transport = options.transport ?? (options.endpoint ? httpTransport(options.endpoint) : undefined);
  if (!transport) throw new Error('createMonitor needs an endpoint (the beacon URL) or a transport');
  const maxBuffer = options.maxBuffer ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const onError = options.onError ?? (() => undefined);
  let buffer: ServerMetric[] = [];
  let dropped = 0;
  let droppedReported = 0;
  let flushing: Promise<void> | undefined;
  let stopped = false;

  const context: Record<string, string> = {};
  if (options.service) context.service = options.service;
  if (options.release) context.release = options.release;

  const record = (metric: ServerMetric) => {
    if (stopped) return;
    if (!Number.isFinite(metric.value)) return;
    buffer.push({ ...metric, timestamp: metric.timestamp ?? Date.now() });
    if (buffer.length > maxBuffer) {
      buffer.splice(0, buffer.length - maxBuffer);
      dropped += 1;
    }
  };

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

  const flushOnce = async () => {
    if (dropped > droppedReported) {
      buffer.push({ name: 'sdk_dropped_metrics', value: dropped - droppedReported, unit: 'count', timestamp: Date.now(), source: 'system' });
      droppedReported = dropped;
    }
    const batch = buffer;
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
    const json = JSON.stringify(metric);
    if (batch.length === MAX_METRICS_PER_BEACON || size + json.length > MAX_BEACON_BYTES) emit();
    batch.push(json);
    size += json.length + 1;
  }
  emit();
  return bodies;
}

export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;
