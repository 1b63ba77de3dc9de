import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectInline, detectInParallel } from '../lambdas/parallel-detect.ts';
import { addValue, emptyPartial, type PartialAggregate } from '../src/aggregation/partial-aggregate.ts';
import { decodeHistory, encodeHistory, extendHistory } from '../src/analysis/kept-statistics.ts';
import { seededRandom } from '../src/analysis/anomaly/random.ts';
import { ANOMALY_BUCKET_MS, ANOMALY_HISTORY_MS, bucketStatistics, type BucketSeries } from '../src/analysis/anomaly/series-anomalies.ts';

/**
 * One detection run of the scheduled job at 10,000 series, step by step, as it runs on Lambda
 * (15 minutes, up to 10 GB and 6 cores): load the stored 15-minute statistics, read the half
 * hour since the last run (10,000 series x 30 minutes of partials), fold it into buckets,
 * replay eight days per series through the detector on every core, store the statistics again.
 */
const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const SAMPLE = Math.min(SERIES, Number(process.env.BENCH_INLINE_SAMPLE ?? 500));
const now = Math.floor(Date.now() / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
const random = seededRandom(11);
const points = ANOMALY_HISTORY_MS / ANOMALY_BUCKET_MS;
const dimensionsOf = (s: number) => ({ app: 'bench', method: 'GET', endpoint: `/api/e${s}` });
const valueAt = (s: number, t: number, last: boolean) => (200 + 80 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000)) * (1 + (random() - 0.5) * 0.2) + (s % 500 === 0 && last ? 2000 : 0);
const seconds = (since: number) => (performance.now() - since) / 1000;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
// Sampled after each step (the steps are synchronous: a timer would never get to run).
let peakRss = 0;
const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));

// What the previous run stored: eight days of statistics, the newest bucket still unsettled.
const stored = {
  settled: now - 2 * ANOMALY_BUCKET_MS,
  series: Array.from({ length: SERIES }, (_, s): BucketSeries => ({
    metric: 'api_request', statistic: 'p95', dimensions: dimensionsOf(s),
    points: Array.from({ length: points - 1 }, (_, i): [number, number] => {
      const t = now - (points - i) * ANOMALY_BUCKET_MS;
      return [t, valueAt(s, t, false)];
    }),
  })),
};
const encoded = encodeHistory(stored);
const gzipped = gzipSync(encoded);

let start = performance.now();
const loaded = decodeHistory(encoded);
const loadSeconds = seconds(start);
sampleRss();

// The half hour since then: one partial per series and minute, 20 requests each.
start = performance.now();
const read: PartialAggregate[] = [];
for (let s = 0; s < SERIES; s++) {
  for (let m = 0; m < 30; m++) {
    const partial = emptyPartial('api_request', now - 30 * 60_000 + m * 60_000, { ...dimensionsOf(s), status_class: '2xx' });
    for (let k = 0; k < 20; k++) addValue(partial, valueAt(s, partial.windowStart, m >= 15));
    read.push(partial);
  }
}
const readHeap = process.memoryUsage().heapUsed;
const readSeconds = seconds(start);
sampleRss();

start = performance.now();
const history = extendHistory(loaded, bucketStatistics(read, now), loaded.settled, now);
const foldSeconds = seconds(start);
sampleRss();

const workers = availableParallelism();
// The main thread waits on the workers here, so a timer can watch the whole process's memory.
const watch = setInterval(sampleRss, 250);
start = performance.now();
const anomalies = await detectInParallel({ workerPath: resolve(import.meta.dirname, '../lambdas/workers/detect-worker.ts') })(history.series, now - ANOMALY_BUCKET_MS);
const parallelSeconds = seconds(start);
clearInterval(watch);
sampleRss();

start = performance.now();
await detectInline(history.series.slice(0, SAMPLE), now - ANOMALY_BUCKET_MS);
const inlinePerSeries = seconds(start) / SAMPLE;

start = performance.now();
const saved = gzipSync(encodeHistory(history));
const saveSeconds = seconds(start);
sampleRss();

const total = loadSeconds + foldSeconds + parallelSeconds + saveSeconds;
const inlineAll = inlinePerSeries * SERIES;
const perCore = inlineAll / parallelSeconds / workers;
console.log(`analysis: one detection run at ${SERIES.toLocaleString('en-US')} series x ${points} buckets, ${workers} worker threads:
  load stored statistics   ${loadSeconds.toFixed(1)} s   (${mb(encoded.length)} JSON, ${mb(gzipped.length)} gzipped in S3)
  read the last half hour  ${read.length.toLocaleString('en-US')} partials, heap ${mb(readHeap)} after (built in ${readSeconds.toFixed(1)} s; on AWS one Timestream query)
  fold into buckets        ${foldSeconds.toFixed(1)} s
  detect on ${workers} threads      ${parallelSeconds.toFixed(1)} s   (inline, measured on ${SAMPLE} series: ${(inlinePerSeries * 1000).toFixed(1)} ms a series, ${inlineAll.toFixed(0)} s for all; ${(inlineAll / parallelSeconds).toFixed(2)}x faster on ${workers} threads)
  store statistics         ${saveSeconds.toFixed(1)} s   (${mb(saved.length)} gzipped)
  total                    ${total.toFixed(0)} s of Lambda's 900 s; peak RSS ${mb(peakRss)} (the process, worker threads included); ${anomalies.length} anomalies (${Math.ceil(SERIES / 500)} incidents injected)
  projected on a 10,240 MB function (6 cores) at this machine's per-core speed and the ${(100 * perCore).toFixed(0)} % per-thread efficiency seen here: detection ${(inlineAll / (6 * Math.min(1, perCore))).toFixed(0)} s`);
