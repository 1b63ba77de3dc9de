import { METRICS, SDK_BEACON_BYTES as MAX_BEACON_BYTES, SDK_METRICS_PER_BEACON as MAX_METRICS_PER_BEACON } from '@vitalstream/protocol';
import { backoffDelay } from '@vitalstream/protocol';
import { MetricFold } from './fold.ts';
import type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport } from './types.ts';
import { workerTransport } from './worker-transport.ts';

export type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport, Transport } from './types.ts';

/** A busy server sends as soon as two beacons' worth is waiting instead of holding a burst until the timer. */
const EARLY_FLUSH_AT = 1000;

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
  /** Aborted at the shutdown deadline: sends in flight and retries waiting stop at once. */
  const giveUp = new AbortController();
  /** Occurrences in bodies a flush has taken and not yet delivered or given up on. */
  let inFlight = 0;
  /** Occurrences the endpoint refused or that ran out of retries since the monitor started. */
  let failed = 0;

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

  /** Sends one body until it is accepted; resolves with how many of its metrics the endpoint refused (its 202 lists them). */
  const sendWithRetry = async (body: string): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      if (giveUp.signal.aborted) throw new Error('beacon not sent: the shutdown deadline passed');
      let status = 0;
      let answer: string | undefined;
      try {
        const result = await transport(body, giveUp.signal);
        status = typeof result === 'number' ? result : result.status;
        answer = typeof result === 'number' ? undefined : result.body;
      } catch (error) {
        if (attempt >= maxRetries || giveUp.signal.aborted) throw error;
      }
      if (status >= 200 && status < 300) return reportRefused(answer);
      if (status !== 0 && status !== 429 && status < 500) throw new Error(`beacon refused with HTTP ${status}`);
      if (attempt >= maxRetries) throw new Error(`beacon not accepted after ${attempt + 1} attempts (last HTTP ${status || 'network error'})`);
      await pause(backoffDelay(attempt + 1, 200, 5000), giveUp.signal);
    }
  };

  /** The endpoint accepted the beacon but refused some metrics: say which and why, and count them. */
  const reportRefused = (answer: string | undefined): number => {
    let refused: { index: number; reason: string }[] = [];
    try {
      refused = (JSON.parse(answer ?? '{}') as { rejected?: { index: number; reason: string }[] }).rejected ?? [];
    } catch {
      return 0; // not the beacon endpoint's JSON: nothing to read
    }
    if (refused.length > 0) {
      onError(
        new Error(
          `the endpoint refused ${refused.length} metric${refused.length === 1 ? '' : 's'} of a beacon: ${refused
            .slice(0, 3)
            .map((r) => `#${r.index} ${r.reason}`)
            .join('; ')}${refused.length > 3 ? '; ...' : ''}`,
        ),
      );
    }
    return refused.length;
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
    const { bodies, tooBig } = toBodies(options.app, context, batch);
    if (tooBig > 0) {
      // Never sent, never retried: no endpoint accepts a beacon over the size limit.
      dropped += tooBig;
      onError(new Error(`${tooBig} metric${tooBig === 1 ? ' was' : 's were'} dropped: each alone is over the ${MAX_BEACON_BYTES}-byte beacon limit`));
    }
    for (const { occurrences } of bodies) inFlight += occurrences;
    for (const { body, occurrences } of bodies) {
      try {
        failed += await sendWithRetry(body);
      } catch (error) {
        failed += occurrences;
        onError(error as Error);
      } finally {
        inFlight -= occurrences;
      }
    }
  };

  const flush = () => {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 5000);
  timer.unref();

  let shuttingDown: Promise<ShutdownReport> | undefined;
  const shutdown = () => (shuttingDown ??= shutdownOnce());
  const shutdownOnce = async (): Promise<ShutdownReport> => {
    clearInterval(timer);
    process.off('beforeExit', onBeforeExit);
    const failedBefore = failed;
    const timeoutMs = options.shutdownTimeoutMs ?? 5000;
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      (async () => {
        await flushing;
        await flush();
        return false;
      })(),
      new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(deadline);
    stopped = true;
    // Counted before aborting: the sends cut off now settle later and must not be counted twice.
    const cutOff = inFlight + buffer.length + folded.occurrences;
    giveUp.abort();
    const undelivered = failed - failedBefore + cutOff;
    if (timedOut) onError(new Error(`shutdown deadline of ${timeoutMs} ms passed: ${undelivered} metrics were not delivered`));
    else if (undelivered > 0) onError(new Error(`shutdown: ${undelivered} metrics were not delivered`));
    return { delivered: undelivered === 0, undelivered, timedOut };
  };
  // A process that ends without calling shutdown() gets the same bounded last flush: retries
  // waiting on unref'd timers would otherwise be dropped unreported, and a hanging collector would
  // hold the exit for the send timeout. The deadline timer keeps the process alive just that long.
  const onBeforeExit = () => void shutdown();
  process.once('beforeExit', onBeforeExit);

  return {
    record,
    flush,
    series,
    beforeFlush: (handOver) => void handOvers.push(handOver),
    shutdown,
    get dropped() {
      return dropped;
    },
    options,
  };
}

/**
 * Beacon bodies of at most 500 metrics and MAX_BEACON_BYTES bytes of UTF-8 (what the server
 * counts; a string's length counts UTF-16 units, and a tag in Cyrillic takes twice as many bytes).
 * A metric too big for any body is left out and counted in `tooBig`.
 */
export function toBodies(
  app: string,
  context: Record<string, string>,
  metrics: ServerMetric[],
): { bodies: { body: string; occurrences: number }[]; tooBig: number } {
  const bodies: { body: string; occurrences: number }[] = [];
  const head = `{"app":${JSON.stringify(app)},"context":${JSON.stringify(context)},"metrics":[`;
  const headBytes = Buffer.byteLength(head) + 2;
  let batch: string[] = [];
  let size = headBytes;
  let occurrences = 0;
  let tooBig = 0;
  const emit = () => {
    if (batch.length) bodies.push({ body: `${head}${batch.join(',')}]}`, occurrences });
    batch = [];
    size = headBytes;
    occurrences = 0;
  };
  for (const metric of metrics) {
    const json = JSON.stringify(metric, withoutRegistryDefaults);
    const bytes = Buffer.byteLength(json) + 1;
    if (headBytes + bytes > MAX_BEACON_BYTES) {
      tooBig += metric.count ?? 1;
      continue;
    }
    if (batch.length === MAX_METRICS_PER_BEACON || size + bytes > MAX_BEACON_BYTES) emit();
    batch.push(json);
    size += bytes;
    occurrences += metric.count ?? 1;
  }
  emit();
  return { bodies, tooBig };
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
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
