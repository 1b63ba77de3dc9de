import { parentPort } from 'node:worker_threads';
import { detectInSeries, type BucketSeries } from '../../src/analysis/anomaly/series-anomalies.ts';

// One share of the series, replayed through the same detector as the inline path.
parentPort!.on('message', (task: { series: BucketSeries[]; since: number; settled: number }) => {
  try {
    parentPort!.postMessage({ detection: detectInSeries(task.series, task.since, task.settled) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
