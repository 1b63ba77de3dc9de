import { describe, expect, it } from 'vitest';
import { createAnomalyDetector, DEFAULT_DETECTOR, DETECTOR_STATE_VERSION, SeriesDetector } from '../../../src/analysis/anomaly/detector.ts';
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
    let previousRun = T0;
    // Runs at uneven intervals (one to four buckets apart), as a schedule that skips or lags would.
    for (let now = T0 + 3 * ANOMALY_BUCKET_MS; now <= T0 + 10 * DAY; now += ANOMALY_BUCKET_MS * (1 + Math.floor(random() * 4))) {
      const from = stored?.settled ?? T0;
      const fresh = all.filter(([t]) => t >= from && t + ANOMALY_BUCKET_MS <= now);
      const history = extendHistory(stored, fresh.length ? [seriesOf(fresh)] : [], from, now);
      const kept = history.series[0]!;
      // What the run judges of the settled buckets, from the loaded state: each must score as in the replay.
      if (kept.detector) {
        const probe = new SeriesDetector(kept.detector);
        for (let i = 0; i < kept.points.times.length; i++) {
          const t = kept.points.times[i]!;
          if (t <= kept.detector.lastTime || t >= history.settled) continue;
          expect(probe.judge(t, kept.points.values[i]!).score).toBe(replayed.find((r) => r.t === t)!.score);
          compared++;
        }
      }
      // As the analysis job does: a run reports what ended since the previous run.
      const detection = detectInSeries(history.series, previousRun, history.settled);
      previousRun = now;
      alerts += detection.anomalies.length;
      stored = decodeHistory(encodeHistory(withDetectorStates(history, detection.states)));
      expect(stored.series[0]!.detector).toEqual(stateAfter(history.settled));
    }
    expect(compared).toBeGreaterThan(800);
    expect(alerts).toBeGreaterThanOrEqual(1);
    expect(replayed.some((r) => r.score >= DEFAULT_DETECTOR.threshold && r.t >= T0 + 9 * DAY)).toBe(true);
  });

  it('rebuilds a state of another version from the kept statistics instead of reading it', () => {
    const points = buckets().slice(0, 9 * 96);
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
    // A damaged category (a weight vector cut short) is not read either.
    const damaged = structuredClone(fresh);
    damaged.artime!.art.weights = damaged.artime!.art.weights.slice(0, 20);
    encoded.series[0].x = damaged;
    expect(decodeHistory(JSON.stringify(encoded)).series[0]!.detector).toBeUndefined();
  });

  it('keeps a bounded state: at most maxCategories ART categories, under 16 KB of JSON, however long and wild the series', () => {
    const random = seededRandom(21);
    const detector = createAnomalyDetector();
    let level = 100;
    for (let i = 0; i < 120 * 96; i++) {
      level = Math.max(1, level + (random() - 0.5) * 10);
      detector.update(T0 + i * ANOMALY_BUCKET_MS, level * (1 + 0.5 * random()));
    }
    const state = detector.state();
    expect(state.artime!.art.labels.length).toBeLessThanOrEqual(DEFAULT_DETECTOR.maxCategories);
    expect(JSON.stringify(state).length).toBeLessThan(16 * 1024);
    // The bound binds: with room for 16 categories, the store holds 16 and the detector goes on.
    const small = createAnomalyDetector({ ...DEFAULT_DETECTOR, maxCategories: 16 });
    for (let i = 0; i < 60 * 96; i++) small.update(T0 + i * ANOMALY_BUCKET_MS, 100 * (1 + Math.sin(i / 7) * random()));
    expect(small.state().artime!.art.labels).toHaveLength(16);
  });
});
