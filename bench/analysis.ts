import { performance } from 'node:perf_hooks';
import { seededRandom } from '../src/analysis/anomaly/random.ts';
import { ANOMALY_BUCKET_MS, ANOMALY_HISTORY_MS, detectInSeries, type BucketSeries } from '../src/analysis/anomaly/series-anomalies.ts';

/**
 * The anomaly step of the scheduled job at 10,000 series: eight days of 15-minute statistics per
 * series (768 points, with a daily cycle and noise), replayed through the production detector.
 * Lambda's limits are 15 minutes and 10 GB; the figure to watch is the time and heap of one run.
 */
const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const now = Math.floor(Date.now() / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
const random = seededRandom(11);
const points = ANOMALY_HISTORY_MS / ANOMALY_BUCKET_MS;
const series: BucketSeries[] = Array.from({ length: SERIES }, (_, s) => ({
  metric: 'api_request',
  statistic: 'p95',
  dimensions: { app: 'bench', endpoint: `/api/e${s}`, method: 'GET' },
  points: Array.from({ length: points }, (_, i): [number, number] => {
    const t = now - (points - i) * ANOMALY_BUCKET_MS;
    const daily = 200 + 80 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
    return [t, daily * (1 + (random() - 0.5) * 0.2) + (s % 500 === 0 && i === points - 1 ? 2000 : 0)];
  }),
}));
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = performance.now();
const anomalies = detectInSeries(series, now - 15 * 60_000);
const seconds = (performance.now() - start) / 1000;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
console.log(`analysis: ${SERIES.toLocaleString('en-US')} series x ${points} points replayed through the detector in ${seconds.toFixed(1)} s (${((seconds * 1e6) / (SERIES * points)).toFixed(1)} µs per point), heap +${heapMb.toFixed(0)} MB; ${anomalies.length} anomalies in the newest bucket (${SERIES / 500} incidents injected)`);
