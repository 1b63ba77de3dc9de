import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeHistory } from '../src/analysis/kept-statistics.ts';
import { ANOMALY_BUCKET_MS, ANOMALY_HISTORY_MS, type BucketSeries } from '../src/analysis/anomaly/series-anomalies.ts';
import { tempDir } from './support/temp-dir.ts';
import { benchDimensions, benchValue, INCIDENT_BUCKETS } from './analysis-series.ts';
import { pointsOf } from '../src/analysis/points.ts';

/**
 * The scheduled job's detection at 10,000 series, twice, each run in a process of its own:
 * a cold run (three days of kept statistics, no detector state: every series is replayed), then
 * the steady run one bucket later, which finds the states the cold run stored and feeds each
 * detector only the bucket that settled since.
 */
const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const now = Math.floor(Date.now() / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
const buckets = ANOMALY_HISTORY_MS / ANOMALY_BUCKET_MS;
const dir = tempDir('vitalstream-bench-analysis-');

// What a deployment that kept statistics but no detector state (a first run, or a new detector version) has stored.
const stored = {
  settled: now - 2 * ANOMALY_BUCKET_MS,
  series: Array.from(
    { length: SERIES },
    (_, s): BucketSeries => ({
      metric: 'api_request',
      statistic: 'p95',
      dimensions: benchDimensions(s),
      points: pointsOf(
        Array.from({ length: buckets - 1 }, (_, i): [number, number] => {
          const t = now - (buckets - i) * ANOMALY_BUCKET_MS;
          return [t, benchValue(s, t, t >= now - INCIDENT_BUCKETS * ANOMALY_BUCKET_MS)];
        }),
      ),
    }),
  ),
};
writeFileSync(join(dir.path, 'cold.json.gz'), gzipSync(encodeHistory(stored)));
stored.series.length = 0;

interface Run {
  load: number;
  readBuild: number;
  fold: number;
  detect: number;
  save: number;
  total: number;
  peakRssMb: number;
  anomalies: number;
  savedMb: number;
  stateBytes: number;
}
const run = (input: string, output: string, at: number): Run =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        'tsx',
        resolve(import.meta.dirname, 'analysis-run.ts'),
        join(dir.path, input),
        join(dir.path, output),
        String(at),
        String(SERIES),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    ),
  );

const describe = (name: string, r: Run) =>
  `  ${name.padEnd(7)} load ${r.load.toFixed(1)} s, fold ${r.fold.toFixed(1)} s, detect ${r.detect.toFixed(1)} s, store ${r.save.toFixed(1)} s (${r.savedMb.toFixed(0)} MB gzipped) = ${r.total.toFixed(1)} s; peak RSS ${r.peakRssMb.toFixed(0)} MB; ${r.anomalies} anomalies (${Math.ceil(SERIES / 500)} incidents injected); the store read it stands for built in ${r.readBuild.toFixed(1)} s`;
const cold = run('cold.json.gz', 'steady.json.gz', now);
const steady = run('steady.json.gz', 'next.json.gz', now + ANOMALY_BUCKET_MS);
dir.remove();
console.log(`analysis at ${SERIES.toLocaleString('en-US')} series x ${buckets} buckets of ${ANOMALY_BUCKET_MS / 60_000} minutes, each run in its own process:
${describe('cold', cold)}
${describe('steady', steady)}
  detector state: ${steady.stateBytes.toFixed(0)} bytes a series as JSON (beside the series' own three days of Float32 statistics)`);
console.log(
  `analysis: ${SERIES} series, steady run ${steady.total.toFixed(1)} s, cold run ${cold.total.toFixed(1)} s, peak RSS ${Math.max(cold.peakRssMb, steady.peakRssMb).toFixed(0)} MB`,
);
