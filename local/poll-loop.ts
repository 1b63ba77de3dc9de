export interface PollLoop {
  /** The last step threw, and no step has succeeded since. */
  readonly failing: boolean;
  readonly lastError?: string;
  /** Ends the loop, waking it from a sleep, once the step under way returns. */
  stop(): Promise<void>;
}

/**
 * Runs `step` until stopped: at once again after a step that worked, after `pollMs` after one
 * that found nothing, and after a backoff doubling from `pollMs` to `maxBackoffMs` after one that
 * threw (a full disk is retried, forever, and reported failing meanwhile).
 */
export function startPollLoop(
  step: () => Promise<boolean>,
  options: { pollMs: number; maxBackoffMs: number; onError: (error: Error, retryInMs: number) => void },
): PollLoop {
  let running = true;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const state: { failing: boolean; lastError?: string } = { failing: false };
  const loop = (async () => {
    let backoffMs = options.pollMs;
    while (running) {
      try {
        const worked = await step();
        state.failing = false;
        delete state.lastError;
        backoffMs = options.pollMs;
        if (!worked) await sleep(options.pollMs);
      } catch (error) {
        state.failing = true;
        state.lastError = (error as Error).message;
        options.onError(error as Error, backoffMs);
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs);
      }
    }
  })();
  return {
    get failing() {
      return state.failing;
    },
    get lastError() {
      return state.lastError;
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
