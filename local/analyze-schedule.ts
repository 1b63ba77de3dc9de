import { type AnalysisDependencies, runAnalysis } from '../src/app/run-analysis.ts';
import type { PipelineSignals } from '../src/resilience/health.ts';

export interface AnalyzeSchedule {
  /** Runs the analysis now, or joins the run under way. */
  run(): Promise<unknown>;
  /** Failures in a row, for `/healthz`. */
  readonly runs: NonNullable<PipelineSignals['analyze']>;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

/**
 * The local stand-in for the scheduled analysis Lambda: one run at a time (a tick during a run
 * joins it, as a reserved concurrency of one would), failures logged and counted in a row, the
 * timer unref'd so it never holds the process open.
 */
export function scheduleAnalysis(analysis: AnalysisDependencies, everyMs: number | undefined, say: (line: string) => void): AnalyzeSchedule {
  let running: Promise<unknown> | undefined;
  const runs = { failuresInARow: 0, lastError: undefined as string | undefined };
  const run = () => {
    running ??= runAnalysis(analysis)
      .then(() => (runs.failuresInARow = 0))
      .catch((error: Error) => {
        runs.failuresInARow += 1;
        runs.lastError = error.message;
        say(`[analyze] ${error.message}`);
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = everyMs ? setInterval(() => void run(), everyMs) : undefined;
  timer?.unref();
  return {
    run,
    runs,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
