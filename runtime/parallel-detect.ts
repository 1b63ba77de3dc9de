import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { pointsToJudge, type BucketSeries, type Detection } from '../src/analysis/anomaly/series-anomalies.ts';
import { type Detect, detectInline } from '../src/app/run-analysis.ts';

export { type Detect, detectInline };

export interface ParallelOptions {
  /** The worker script: the bundled `detect-worker.js` on AWS, the `.ts` source locally (run through tsx). */
  workerPath: string;
  /** Defaults to the cores the process may use (a 10 GB function has 6). */
  workers?: number;
  /** Below this many series the workers' start-up costs more than it saves. */
  minSeriesPerWorker?: number;
  /**
   * Below this many points to judge, the series are judged inline (default 200,000, a few seconds):
   * a steady run judges a bucket or two a series, and copying eight days of every series to the
   * workers would cost more time and memory than it saves.
   */
  minPointsForWorkers?: number;
}

/**
 * Spreads the series over worker threads, each feeding its share through the detector: a cold
 * run (no stored states) replays eight days per series, CPU-bound and independent, so N cores make
 * it about N times faster. Results come back in the order of the input, as the inline path gives them.
 */
export function detectInParallel(options: ParallelOptions): Detect {
  return async (series, since, settled) => {
    const workers = Math.min(options.workers ?? availableParallelism(), Math.floor(series.length / (options.minSeriesPerWorker ?? 100)));
    const minPoints = options.minPointsForWorkers ?? 200_000;
    if (workers <= 1 || (minPoints > 0 && pointsToJudge(series) < minPoints)) return detectInline(series, since, settled);
    const share = Math.ceil(series.length / workers);
    const execArgv = options.workerPath.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const parts = await Promise.all(
      Array.from({ length: workers }, (_, i) => runWorker(options.workerPath, execArgv, series.slice(i * share, (i + 1) * share), since, settled)),
    );
    return { anomalies: parts.flatMap((p) => p.anomalies), states: parts.flatMap((p) => p.states) };
  };
}

function runWorker(path: string, execArgv: string[], series: readonly BucketSeries[], since: number, settled: number): Promise<Detection> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path, { execArgv });
    const finish = (settle: () => void) => {
      void worker.terminate();
      settle();
    };
    worker.once('message', (result: { detection?: Detection; error?: string }) =>
      finish(() => (result.error !== undefined ? reject(new Error(`anomaly detection worker failed: ${result.error}`)) : resolve(result.detection!))),
    );
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => reject(new Error(`anomaly detection worker exited with code ${code} before answering`)));
    worker.postMessage({ series, since, settled });
  });
}
