import { connectionType, deviceClass, sessionId } from './context.ts';
import { send, toBodies, type Envelope } from './transport.ts';
import type { BrowserMetric, Options, Problem } from './types.ts';

const MAX_QUEUED = 1000;
const MAX_RETRY_BODIES = 10;

/**
 * Metrics waiting to leave, and bodies waiting to be sent again: both bounded, so a page whose
 * endpoint is down holds at most 1,000 metrics and 10 bodies, the oldest dropped first.
 */
export function outbox(options: Options, endpoint: string, problem: (p: Problem) => void) {
  const queue: BrowserMetric[] = [];
  const retry: string[] = [];

  const envelope = (): Envelope => {
    const context: Envelope['context'] = { sessionId: sessionId(), device: deviceClass() };
    const connection = connectionType();
    if (connection) context.connection = connection;
    if (options.release) context.release = options.release;
    return { app: options.app, context };
  };

  return {
    add(metric: BrowserMetric) {
      queue.push(metric);
      if (queue.length > MAX_QUEUED) queue.shift();
    },
    /** Sends what is queued, and what failed before; `leaving` sends with keepalive, as the page goes. */
    flush(leaving = false) {
      const { bodies, dropped } = toBodies(envelope(), queue.splice(0));
      if (dropped) problem({ kind: 'dropped', count: dropped, reason: 'a metric is over the beacon size limit on its own' });
      for (const body of [...retry.splice(0), ...bodies]) {
        send(
          endpoint,
          body,
          leaving,
          (failed) => retry.length < MAX_RETRY_BODIES && retry.push(failed),
          (count, reason) => problem({ kind: 'refused', count, reason }),
        );
      }
    },
  };
}
