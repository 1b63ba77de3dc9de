import { SDK_BEACON_BYTES as MAX_BEACON_BYTES } from '@vitalstream/protocol';
import { toBodies } from './beacon-bodies.ts';
import { MetricBuffer } from './metric-buffer.ts';
import { createSender, Deliveries } from './send-with-retry.ts';
import type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport } from './types.ts';
import { workerTransport } from './worker-transport.ts';

export type { Monitor, MonitorOptions, SeriesTemplate, ServerMetric, ShutdownReport, Transport } from './types.ts';
export { toBodies } from './beacon-bodies.ts';

/**
 * The server-side collector: metrics go into a bounded in-memory buffer and leave in beacons every
 * few seconds. It never throws into the host application (errors go to `onError`), never blocks
 * the event loop (timers are unref'd, sends are async) and retries 429/5xx with backoff. When the
 * buffer is full the oldest metrics are dropped, counted, and the count is reported as a metric.
 */
export function createMonitor(options: MonitorOptions): Monitor {
  const transport = options.transport ?? (options.endpoint ? workerTransport(options.endpoint) : undefined);
  if (!transport) throw new Error('createMonitor needs an endpoint (the beacon URL) or a transport');
  const onError = options.onError ?? (() => undefined);
  const buffer = new MetricBuffer(options.maxBuffer ?? 10_000, () => {
    if (!flushing) setImmediate(() => void flush()).unref();
  });
  let flushing: Promise<void> | undefined;
  let stopped = false;
  /** Aborted at the shutdown deadline: sends in flight and retries waiting stop at once. */
  const giveUp = new AbortController();
  const deliveries = new Deliveries(createSender({ transport, maxRetries: options.maxRetries ?? 3, giveUp: giveUp.signal, onError }), onError);

  const context: Record<string, string> = {};
  if (options.service) context.service = options.service;
  if (options.release) context.release = options.release;

  const record = (metric: ServerMetric) => {
    if (stopped || !Number.isFinite(metric.value)) return;
    buffer.add(metric, metric.timestamp ?? Date.now());
  };

  const series = (template: SeriesTemplate) => {
    const add = buffer.series(template);
    return (value: number, timestamp = Date.now()) => {
      if (stopped || !Number.isFinite(value)) return;
      add(value, timestamp);
    };
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
    const { bodies, tooBig } = toBodies(options.app, context, buffer.take());
    if (tooBig > 0) {
      // Never sent, never retried: no endpoint accepts a beacon over the size limit.
      buffer.dropped += tooBig;
      onError(new Error(`${tooBig} metric${tooBig === 1 ? ' was' : 's were'} dropped: each alone is over the ${MAX_BEACON_BYTES}-byte beacon limit`));
    }
    await deliveries.deliver(bodies);
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
    const failedBefore = deliveries.failed;
    const timeoutMs = options.shutdownTimeoutMs ?? 5000;
    const timedOut = await runsPast(timeoutMs, async () => {
      await flushing;
      await flush();
    });
    stopped = true;
    // Counted before aborting: the sends cut off now settle later and must not be counted twice.
    const cutOff = deliveries.inFlight + buffer.occurrences;
    giveUp.abort();
    const undelivered = deliveries.failed - failedBefore + cutOff;
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
      return buffer.dropped;
    },
    options,
  };
}

/** Whether `work` was still running after `timeoutMs`; the deadline timer is ref'd, so the process waits for it. */
async function runsPast(timeoutMs: number, work: () => Promise<void>): Promise<boolean> {
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([work().then(() => false), new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(true), timeoutMs)))]);
  clearTimeout(deadline);
  return timedOut;
}

export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;
