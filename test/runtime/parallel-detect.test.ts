import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectInline, detectInParallel } from '../../runtime/parallel-detect.ts';
import { seededRandom } from '../../src/analysis/anomaly/random.ts';
import { ANOMALY_BUCKET_MS, type BucketSeries } from '../../src/analysis/anomaly/series-anomalies.ts';
import { pointsOf } from '../../src/analysis/points.ts';

const WORKER = resolve(import.meta.dirname, '../../runtime/workers/detect-worker.ts');
const NOW = Date.UTC(2026, 10, 26, 12);

function makeSeries(count: number): BucketSeries[] {
  const random = seededRandom(3);
  // Past the detector's learning (750 buckets) and the masked stretch that follows it.
  const points = 3 * 288 + 100;
  return Array.from({ length: count }, (_, s) => ({
    metric: 'api_request',
    statistic: 'p95',
    dimensions: { app: 'bench', endpoint: `/e${s}` },
    points: pointsOf(
      Array.from({ length: points }, (_, i): [number, number] => {
        const t = NOW - (points - i) * ANOMALY_BUCKET_MS;
        return [
          t,
          (200 + 80 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000)) * (0.9 + 0.2 * random()) + (s % 7 === 0 && i >= points - 10 ? 3000 : 0),
        ];
      }),
    ),
  }));
}

describe('anomaly detection on worker threads', () => {
  it('finds exactly what the inline path finds, and leaves the same detector states, in the same order', async () => {
    const series = makeSeries(60);
    const since = NOW - 10 * ANOMALY_BUCKET_MS;
    const settled = NOW - ANOMALY_BUCKET_MS;
    const inline = await detectInline(series, since, settled);
    expect(inline.anomalies.length).toBeGreaterThan(5);
    expect(inline.states).toHaveLength(60);
    const parallel = await detectInParallel({ workerPath: WORKER, workers: 3, minSeriesPerWorker: 10, minPointsForWorkers: 0 })(series, since, settled);
    expect(parallel).toEqual(inline);
  }, 60_000);

  it('reports a worker that fails instead of hanging or answering half', async () => {
    const broken = [...makeSeries(20), { metric: 'api_request', statistic: 'p95', dimensions: {}, points: null } as unknown as BucketSeries];
    await expect(detectInParallel({ workerPath: WORKER, workers: 2, minSeriesPerWorker: 5, minPointsForWorkers: 0 })(broken, NOW, NOW)).rejects.toThrow(
      /anomaly detection worker failed/,
    );
  }, 60_000);
});
