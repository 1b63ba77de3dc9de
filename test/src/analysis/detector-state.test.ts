import { describe, expect, it } from 'vitest';
import { cloneDetectorState, createAnomalyDetector, DETECTOR_STATE_VERSION, judgePoint } from '../../../src/analysis/anomaly/detector.ts';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import { ANOMALY_BUCKET_MS, detectInSeries, type BucketSeries } from '../../../src/analysis/anomaly/series-anomalies.ts';
import { decodeHistory, encodeHistory, extendHistory, withDetectorStates, type KeptStatistics } from '../../../src/analysis/kept-statistics.ts';
import { pointsOf } from '../../../src/analysis/points.ts';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

/** Ten days of 15-minute buckets: a daily cycle, noise, and an incident on day nine. */
function buckets(): [number, number][] {
  const random = seededRandom(5);
  return Array.from({ length: (10 * DAY) / ANOMALY_BUCKET_MS }, (_, i): [number, number] => {
    const t = T0 + i * ANOMALY_BUCKET_MS;
    const incident = t >= T0 + 9 * DAY && t < T0 + 9 * DAY + 2 * 3_600_000 ? 400 : 0;
    return [t, 200 + 80 * Math.sin((2 * Math.PI * t) / DAY) + 20 * (random() - 0.5) + incident];
  });
}
const seriesOf = (points: [number, number][]): BucketSeries => ({
  metric: 'api_request',
  statistic: 'p95',
  dimensions: { app: 'shop' },
  points: pointsOf(points),
});

describe('the stateful anomaly detector', () => {
  it('gives identical scores and states fed bucket by bucket across runs, saved and loaded between them, as replayed in one go', () => {
    const all = buckets();
    const replay = createAnomalyDetector();
    const replayed = all.map(([t, v]) => ({ t, score: replay.update(t, v).score, state: replay.state() }));
    const stateAfter = (time: number) => [...replayed].reverse().find((r) => r.t < time)?.state;

    let stored: KeptStatistics | undefined;
    const random = seededRandom(9);
    let compared = 0;
    let alerts = 0;
    // Runs at uneven intervals (one to four buckets apart), as a schedule that skips or lags would.
    for (let now = T0 + 3 * ANOMALY_BUCKET_MS; now <= T0 + 10 * DAY; now += ANOMALY_BUCKET_MS * (1 + Math.floor(random() * 4))) {
      const from = stored?.settled ?? T0;
      const fresh = all.filter(([t]) => t >= from && t + ANOMALY_BUCKET_MS <= now);
      const history = extendHistory(stored, fresh.length ? [seriesOf(fresh)] : [], from, now);
      const kept = history.series[0]!;
      // What the run judges of the settled buckets, from the loaded state: each must score as in the replay.
      const probe = kept.detector ? cloneDetectorState(kept.detector) : undefined;
      if (probe) {
        for (let i = 0; i < kept.points.times.length; i++) {
          const t = kept.points.times[i]!;
          if (t <= probe.lastTime || t >= history.settled) continue;
          expect(judgePoint(probe, kept.points, i).score).toBe(replayed.find((r) => r.t === t)!.score);
          compared++;
        }
      }
      const detection = detectInSeries(history.series, now - ANOMALY_BUCKET_MS, history.settled);
      alerts += detection.anomalies.length;
      stored = decodeHistory(encodeHistory(withDetectorStates(history, detection.states)));
      expect(stored.series[0]!.detector).toEqual(stateAfter(history.settled));
    }
    expect(compared).toBeGreaterThan(800);
    expect(alerts).toBeGreaterThanOrEqual(1);
    expect(replayed.some((r) => r.score >= 0.85 && r.t >= T0 + 9 * DAY)).toBe(true);
  });

  it('rebuilds a state of another version from the kept statistics instead of reading it', () => {
    const points = buckets().slice(0, 5 * 96);
    const settled = points.at(-1)![0];
    const history: KeptStatistics = { settled, series: [seriesOf(points)] };
    const fresh = detectInSeries(history.series, settled, settled).states[0]!;
    const encoded = JSON.parse(encodeHistory(withDetectorStates(history, [fresh])));
    encoded.series[0].x = { ...encoded.series[0].x, v: DETECTOR_STATE_VERSION - 1, n: 3 };
    const loaded = decodeHistory(JSON.stringify(encoded));
    expect(loaded.series[0]!.detector).toBeUndefined();
    expect(detectInSeries(loaded.series, settled, settled).states[0]).toEqual(fresh);
    encoded.series[0].x = { v: DETECTOR_STATE_VERSION, n: 'many' };
    expect(decodeHistory(JSON.stringify(encoded)).series[0]!.detector).toBeUndefined();
  });

  it('keeps a state of a few hundred bytes a series', () => {
    const detector = createAnomalyDetector();
    for (const [t, v] of buckets()) detector.update(t, v);
    expect(JSON.stringify(detector.state()).length).toBeLessThan(1024);
  });
});
