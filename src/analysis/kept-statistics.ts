import { emptyPartial } from '../aggregation/partial-aggregate.ts';
import { decodeSketch, encodeSketch } from '@vitalstream/protocol/sketch';
import { FORECAST_STEP_MS } from './forecast/forecast-series.ts';
import { foldIntoHours, type HourlyStatistics } from './forecast/hourly-statistics.ts';
import type { PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { ANOMALY_BUCKET_MS, ANOMALY_HISTORY_MS, bucketStatistics, type BucketSeries } from './anomaly/series-anomalies.ts';
import { readDetectorState, type DetectorState } from './anomaly/detector.ts';
import { concatPoints, pointsBetween } from './points.ts';

/**
 * The anomaly detector's view of every series, kept between runs: one statistic per 5-minute
 * bucket for the last three days. Re-reading three days of per-minute partials every run does not
 * fit a function at 10,000 series; this does (about 30 MB of numbers), and a run then reads only
 * the minutes since the previous one.
 */
export interface KeptStatistics {
  /**
   * Buckets before this time are settled; the run that stored the history re-reads from here.
   * The newest complete bucket is never settled: late beacons may still land in it.
   */
  settled: number;
  series: BucketSeries[];
  /** The forecasts' hourly statistics, fed from the same settled minutes. */
  hourly?: HourlyStatistics;
}

const idOf = (s: Pick<BucketSeries, 'metric' | 'dimensions'>) => `${s.metric}|${JSON.stringify(s.dimensions)}`;

/**
 * Replaces every stored bucket from `freshFrom` on with the fresh ones (computed from the partials
 * read since `freshFrom`), forgets buckets older than `keepMs` before `until`, and settles all but
 * the newest complete bucket.
 */
export function extendHistory(
  stored: KeptStatistics | undefined,
  fresh: readonly BucketSeries[],
  freshFrom: number,
  until: number,
  keepMs = ANOMALY_HISTORY_MS,
): KeptStatistics {
  const oldest = until - keepMs;
  const byId = new Map<string, BucketSeries>();
  for (const s of stored?.series ?? []) {
    const points = pointsBetween(s.points, oldest, freshFrom);
    if (points.times.length > 0) byId.set(idOf(s), { ...s, points });
  }
  for (const s of fresh) {
    const points = pointsBetween(s.points, Math.max(oldest, freshFrom), until);
    if (points.times.length === 0) continue;
    const kept = byId.get(idOf(s));
    byId.set(idOf(s), kept ? { ...kept, points: concatPoints(kept.points, points) } : { ...s, points });
  }
  // A series whose every kept bucket is being replaced keeps its detector: the detector only ever saw settled buckets.
  for (const s of stored?.series ?? []) {
    const kept = byId.get(idOf(s));
    if (kept && s.detector && !kept.detector) byId.set(idOf(s), { ...kept, detector: s.detector });
  }
  return { settled: Math.max(freshFrom, until - ANOMALY_BUCKET_MS), series: [...byId.values()] };
}

/**
 * The statistics after a run that read every alerting partial from `readFrom` (at most
 * `readStart`) to `to`: buckets from the first whole one read are recomputed, and the minutes
 * this run settles are folded into the forecasts' hours, each exactly once.
 */
export function advanceHistory(stored: KeptStatistics | undefined, read: readonly PartialAggregate[], readFrom: number, to: number): KeptStatistics {
  const completeUntil = Math.floor(to / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
  const freshFrom = Math.ceil(readFrom / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
  const history = extendHistory(
    stored,
    bucketStatistics(
      read.filter((p) => p.windowStart >= freshFrom),
      completeUntil,
    ),
    freshFrom,
    completeUntil,
  );
  const foldFrom = Math.max(freshFrom, stored?.settled ?? -Infinity);
  return {
    ...history,
    hourly: foldIntoHours(
      stored?.hourly,
      read.filter((p) => p.windowStart >= foldFrom),
      history.settled,
    ),
  };
}

/** The history with each series' detector state after a detection run (`states` in the order of `history.series`). */
export function withDetectorStates(history: KeptStatistics, states: readonly DetectorState[]): KeptStatistics {
  return { ...history, series: history.series.map((s, i) => (states[i] ? { ...s, detector: states[i] } : s)) };
}

/** Where the next run starts reading: the settled boundary, or three days back when there is none (or it is too old to help). */
export function readStart(stored: KeptStatistics | undefined, until: number): number {
  const floor = Math.floor((until - ANOMALY_HISTORY_MS) / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
  return stored && stored.settled > floor && stored.settled <= until ? stored.settled : floor;
}

interface EncodedSeries {
  m: string;
  s: string;
  d: Record<string, string>;
  t0: number;
  v: string;
  x?: DetectorState;
}
interface EncodedOpenHour {
  m: string;
  a: string;
  h: number;
  c: number;
  sum: number;
  min: number;
  max: number;
  k: string;
  d?: Record<string, string>;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function encodeSeries(series: readonly BucketSeries[], stepMs: number): EncodedSeries[] {
  return series.map((s) => {
    const { times, values: kept } = s.points;
    const t0 = times[0]!;
    const values = new Float32Array((times.at(-1)! - t0) / stepMs + 1).fill(Number.NaN);
    times.forEach((t, i) => {
      values[(t - t0) / stepMs] = kept[i]!;
    });
    return { m: s.metric, s: s.statistic, d: s.dimensions, t0, v: base64(new Uint8Array(values.buffer)), ...(s.detector ? { x: s.detector } : {}) };
  });
}

function decodeSeries(series: readonly EncodedSeries[], stepMs: number): BucketSeries[] {
  return series.map((e) => {
    if (typeof e?.m !== 'string' || typeof e.s !== 'string' || typeof e.d !== 'object' || e.d === null || typeof e.v !== 'string' || !Number.isFinite(e.t0)) {
      throw new Error('stored bucket history has a series that is not of the v1 shape');
    }
    // A copy: a decoded Buffer may sit at an offset a Float32Array cannot start at.
    const values = new Float32Array(new Uint8Array(Buffer.from(e.v, 'base64')).buffer);
    const present = values.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
    const points = { times: new Float64Array(present), values: new Float32Array(present) };
    let j = 0;
    values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      points.times[j] = e.t0 + i * stepMs;
      points.values[j++] = v;
    });
    // A detector state this code cannot read (another version, or damaged) is left out and rebuilt from the points.
    const detector = readDetectorState(e.x);
    return { metric: e.m, statistic: e.s, dimensions: e.d, points, ...(detector ? { detector } : {}) };
  });
}

/** 2: 5-minute buckets (1 kept 15-minute ones). */
export const KEPT_STATISTICS_VERSION = 2;

/**
 * Compact form: per series its first bucket and a Float32 array of one value per bucket (NaN for
 * a bucket without data), base64 in JSON, and its detector's state; hours still filling keep
 * their merged sketch. 10,000 series of three days are about 190 MB with their detectors.
 */
export function encodeHistory(history: KeptStatistics): string {
  return [...encodeHistoryChunks(history)].join('');
}

/**
 * The same JSON as `encodeHistory`, a few hundred series at a time: a store that compresses as it
 * goes never holds the whole text (at 10,000 series it is the largest thing a run makes).
 */
export function* encodeHistoryChunks(history: KeptStatistics, seriesPerChunk = 500): Generator<string> {
  const rest = JSON.stringify(historyWithoutSeries(history));
  yield '{"series":[';
  for (let i = 0; i < history.series.length; i += seriesPerChunk) {
    const chunk = encodeSeries(history.series.slice(i, i + seriesPerChunk), ANOMALY_BUCKET_MS).map((e) => JSON.stringify(e));
    yield `${i > 0 ? ',' : ''}${chunk.join(',')}`;
  }
  yield `],${rest.slice(1)}`;
}

function historyWithoutSeries(history: KeptStatistics) {
  return {
    v: KEPT_STATISTICS_VERSION,
    settled: history.settled,
    ...(history.hourly
      ? {
          hourly: {
            series: encodeSeries(history.hourly.series, FORECAST_STEP_MS),
            volumes: encodeSeries(history.hourly.volumes ?? [], FORECAST_STEP_MS),
            open: history.hourly.open.map((p): EncodedOpenHour => {
              const { app, ...detail } = p.dimensions;
              return {
                m: p.metric,
                a: app!,
                h: p.windowStart,
                c: p.count,
                sum: p.sum,
                min: p.min,
                max: p.max,
                k: base64(encodeSketch(p.sketch)),
                ...(Object.keys(detail).length ? { d: detail } : {}),
              };
            }),
          },
        }
      : {}),
  };
}

export function decodeHistory(text: string): KeptStatistics {
  const parsed = JSON.parse(text) as {
    v?: number;
    settled?: unknown;
    series?: EncodedSeries[];
    hourly?: { series: EncodedSeries[]; volumes?: EncodedSeries[]; open: EncodedOpenHour[] };
  };
  if ((parsed.v !== 1 && parsed.v !== KEPT_STATISTICS_VERSION) || typeof parsed.settled !== 'number' || !Array.isArray(parsed.series))
    throw new Error(`stored bucket history does not have the v${KEPT_STATISTICS_VERSION} shape`);
  // Version 1 kept 15-minute buckets: its buckets are dropped (the next run re-reads three days
  // and the detector learns again), its hours are still good.
  const history: KeptStatistics =
    parsed.v === 1 ? { settled: 0, series: [] } : { settled: parsed.settled, series: decodeSeries(parsed.series, ANOMALY_BUCKET_MS) };
  if (parsed.hourly) {
    history.hourly = {
      series: decodeSeries(parsed.hourly.series, FORECAST_STEP_MS),
      volumes: decodeSeries(parsed.hourly.volumes ?? [], FORECAST_STEP_MS),
      open: parsed.hourly.open.map((e) =>
        Object.assign(emptyPartial(e.m, e.h, { app: e.a, ...(e.d ?? {}) }), {
          count: e.c,
          sum: e.sum,
          min: e.min,
          max: e.max,
          sketch: decodeSketch(Buffer.from(e.k, 'base64')),
        }),
      ),
    };
  }
  return history;
}
