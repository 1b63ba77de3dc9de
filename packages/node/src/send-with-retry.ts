import { backoffDelay } from '@vitalstream/protocol';
import type { Transport } from './types.ts';

export interface SenderOptions {
  transport: Transport;
  /** Retries of a 429, a 5xx or a network error after the first try. */
  maxRetries: number;
  /** Aborted at the shutdown deadline: sends in flight and retries waiting stop at once. */
  giveUp: AbortSignal;
  onError: (error: Error) => void;
}

/**
 * Sends one beacon body until the endpoint accepts it: 429, 5xx and network errors are retried
 * with backoff, another 4xx is final. Resolves with how many of the body's metrics the endpoint
 * refused (its 202 lists them, and they are reported through `onError`); rejects when the body
 * was not accepted.
 */
export function createSender({ transport, maxRetries, giveUp, onError }: SenderOptions): (body: string) => Promise<number> {
  const sendWithRetry = async (body: string): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      if (giveUp.aborted) throw new Error('beacon not sent: the shutdown deadline passed');
      let status = 0;
      let answer: string | undefined;
      try {
        const result = await transport(body, giveUp);
        status = typeof result === 'number' ? result : result.status;
        answer = typeof result === 'number' ? undefined : result.body;
      } catch (error) {
        if (attempt >= maxRetries || giveUp.aborted) throw error;
      }
      if (status >= 200 && status < 300) return reportRefused(answer);
      if (status !== 0 && status !== 429 && status < 500) throw new Error(`beacon refused with HTTP ${status}`);
      if (attempt >= maxRetries) throw new Error(`beacon not accepted after ${attempt + 1} attempts (last HTTP ${status || 'network error'})`);
      await pause(backoffDelay(attempt + 1, 200, 5000), giveUp);
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

  return sendWithRetry;
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

/**
 * Beacon bodies on their way, counted in metric occurrences: those in flight (taken by a flush and
 * not yet delivered or given up on) and those that failed (refused, or out of retries) since the
 * monitor started, which is what a shutdown reports as undelivered.
 */
export class Deliveries {
  inFlight = 0;
  failed = 0;

  constructor(
    private readonly send: (body: string) => Promise<number>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Sends the bodies one after another; never rejects (a body that fails is counted and reported). */
  async deliver(bodies: readonly { body: string; occurrences: number }[]): Promise<void> {
    for (const { occurrences } of bodies) this.inFlight += occurrences;
    for (const { body, occurrences } of bodies) {
      try {
        this.failed += await this.send(body);
      } catch (error) {
        this.failed += occurrences;
        this.onError(error as Error);
      } finally {
        this.inFlight -= occurrences;
      }
    }
  }
}
