import { SDK_BEACON_BYTES as MAX_BEACON_BYTES } from '@vitalstream/protocol';
import { toBodies } from './beacon-bodies.ts';
import { MetricFold } from './fold.ts';
import { createSender } from './send-with-retry.ts';
import type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport } from './types.ts';
import { workerTransport } from './worker-transport.ts';

export type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport, Transport } from './types.ts';
export { toBodies } from './beacon-bodies.ts';

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

  const sendWithRetry = createSender({ transport, maxRetries, giveUp: giveUp.signal, onError });

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

export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;
