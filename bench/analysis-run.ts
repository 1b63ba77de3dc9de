import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { detectInParallel } from '../runtime/parallel-detect.ts';
import { addValue, emptyPartial, type PartialAggregate } from '../src/aggregation/partial-aggregate.ts';
import { decodeHistory, encodeHistoryChunks, extendHistory, withDetectorStates } from '../src/analysis/kept-statistics.ts';
import { gzipChunks } from '../lambdas/adapters/gzip-chunks.ts';
import { ANOMALY_BUCKET_MS, bucketStatistics } from '../src/analysis/anomaly/series-anomalies.ts';
import { benchDimensions, benchValue, INCIDENT_BUCKETS } from './analysis-series.ts';

/**
 * One detection run of the scheduled job, in a process of its own so its peak memory is its own:
 * load the stored statistics (gzipped, as the S3 store keeps them), read the half hour since the settled boundary,
 * fold it into buckets, feed the detectors on every core, store the statistics and states again.
 * Usage: analysis-run.ts <stored.json.gz> <out.json.gz> <now ms> <series>
 */
const [input, output, nowText, seriesText] = process.argv.slice(2);
const now = Number(nowText);
const series = Number(seriesText);
const seconds = (since: number) => (performance.now() - since) / 1000;

let start = performance.now();
const stored = decodeHistory(gunzipSync(readFileSync(input!)).toString('utf8'));
const load = seconds(start);

// What the store answers for the minutes since the settled boundary: one partial per series and minute, 20 requests each.
start = performance.now();
const read: PartialAggregate[] = [];
for (let s = 0; s < series; s++) {
  for (let t = stored.settled; t < now; t += 60_000) {
    const partial = emptyPartial('api_request', t, { ...benchDimensions(s), status_class: '2xx' });
    for (let k = 0; k < 20; k++) addValue(partial, benchValue(s, t, t >= now - INCIDENT_BUCKETS * ANOMALY_BUCKET_MS));
    read.push(partial);
  }
}
const readBuild = seconds(start);

start = performance.now();
const history = extendHistory(stored, bucketStatistics(read, now), stored.settled, now);
read.length = 0;
const fold = seconds(start);

start = performance.now();
const detection = await detectInParallel({ workerPath: resolve(import.meta.dirname, '../runtime/workers/detect-worker.ts') })(
  history.series,
  // Anomalies in the buckets the incidents cover, as a run that follows a pause would report them.
  now - INCIDENT_BUCKETS * ANOMALY_BUCKET_MS,
  history.settled,
);
const detect = seconds(start);

start = performance.now();
const saved = await gzipChunks(encodeHistoryChunks(withDetectorStates(history, detection.states)));
writeFileSync(output!, saved);
const save = seconds(start);

const stateBytes = detection.states.reduce((n, state) => n + JSON.stringify(state).length, 0) / Math.max(1, detection.states.length);
process.stdout.write(
  JSON.stringify({
    load,
    readBuild,
    fold,
    detect,
    save,
    total: load + fold + detect + save,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    anomalies: detection.anomalies.length,
    savedMb: saved.length / 1e6,
    stateBytes,
  }),
);
