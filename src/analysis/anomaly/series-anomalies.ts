import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize, type AggregatePoint } from '../../aggregation/summarize.ts';
import { alertGroupOf } from '../../alerts/evaluate.ts';
import { describeDimensions, type Condition } from '../../alerts/rules.ts';
import { findMetric } from '@vitalstream/protocol';
import { indexAfter, pointsOf, type Points } from '../points.ts';
import { DEFAULT_DETECTOR, SeriesDetector, type DetectorConfig, type DetectorState } from './detector.ts';

/**
 * The detector judges one statistic per 5 minutes: the spacing of most series ARTime was published
 * on, so its downsampling step (7 points) holds an alert back at most 35 minutes, and its 750
 * learning points take 2.6 days.
 */
export const ANOMALY_BUCKET_MS = 5 * 60_000;
/** Three days (864 buckets): more than the detector's 750 learning points, so a cold start with history learns at once. */
export const ANOMALY_HISTORY_MS = 3 * 24 * 3600_000;

/** Which number of a window the detector watches: what a person would chart for that metric. */
export function statisticOf(metric: string): { label: string; of: (p: AggregatePoint) => number } {
  if (metric.startsWith('web_vitals_')) return { label: 'p75', of: (p) => p.p75 };
  if (findMetric(metric)?.unit === 'ms') return { label: 'p95', of: (p) => p.p95 };
  return { label: 'avg', of: (p) => p.avg };
}

export interface SeriesAnomaly {
  metric: string;
  statistic: string;
  dimensions: Record<string, string>;
  time: number;
  value: number;
  score: number;
}

export interface BucketSeries {
  metric: string;
  statistic: string;
  dimensions: Record<string, string>;
  /** Bucket starts and values, oldest first. */
  points: Points;
  /** The detector's state after the last settled bucket it judged; without one it is rebuilt from `points`. */
  detector?: DetectorState;
}

/** Merges partials into complete 5-minute buckets per alert group and takes each bucket's statistic. */
export function bucketStatistics(partials: readonly PartialAggregate[], until: number): BucketSeries[] {
  const series = new Map<string, { metric: string; dimensions: Record<string, string>; buckets: Map<number, PartialAggregate> }>();
  for (const partial of partials) {
    const dimensions = alertGroupOf(partial);
    if (!dimensions) continue;
    const id = `${partial.metric}|${JSON.stringify(dimensions)}`;
    let entry = series.get(id);
    if (!entry) series.set(id, (entry = { metric: partial.metric, dimensions, buckets: new Map() }));
    const bucket = Math.floor(partial.windowStart / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
    if (bucket + ANOMALY_BUCKET_MS > until) continue; // only complete buckets
    let merged = entry.buckets.get(bucket);
    if (!merged) entry.buckets.set(bucket, (merged = emptyPartial(partial.metric, bucket, {})));
    mergeInto(merged, partial);
  }
  return [...series.values()].map(({ metric, dimensions, buckets }) => {
    const statistic = statisticOf(metric);
    // Kept as 32-bit floats: a run judges the value the next run will read back.
    const points = pointsOf([...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([time, p]): [number, number] => [time, statistic.of(summarize(p))]));
    return { metric, statistic: statistic.label, dimensions, points };
  });
}

export interface Detection {
  anomalies: SeriesAnomaly[];
  /** Per series, in order: the detector's state after the buckets before `settled`, to keep for the next run. */
  states: DetectorState[];
}

/**
 * Feeds each series' buckets that settled since its detector last ran (all kept buckets when it has
 * no state, or one of another version), keeps the state there, and judges the newest, unsettled
 * buckets on a copy: they may still change, and the next run judges them again once settled.
 * Anomalies are those in buckets that ended after `since`.
 */
export function detectInSeries(series: readonly BucketSeries[], since: number, settled: number, config: DetectorConfig = DEFAULT_DETECTOR): Detection {
  const anomalies: SeriesAnomaly[] = [];
  const states: DetectorState[] = [];
  for (const { metric, statistic, dimensions, points, detector } of series) {
    const judge = (on: SeriesDetector, i: number) => {
      const time = points.times[i]!;
      const value = points.values[i]!;
      const judgement = on.judge(time, value);
      if (judgement.alert && time + ANOMALY_BUCKET_MS > since) anomalies.push({ metric, statistic, dimensions, time, value, score: judgement.score });
    };
    const series = new SeriesDetector(detector, config);
    let i = firstToJudge(points, detector);
    for (; i < points.times.length && points.times[i]! < settled; i++) judge(series, i);
    // The state is a copy, so the same detector goes on to judge the unsettled buckets as a probe.
    states.push(series.state());
    for (; i < points.times.length; i++) judge(series, i);
  }
  return { anomalies, states };
}

/** How many points a detection run judges: those after each detector's last, all of a series without one. */
export function pointsToJudge(series: readonly BucketSeries[]): number {
  return series.reduce((n, s) => n + s.points.times.length - firstToJudge(s.points, s.detector), 0);
}

/** Where a detector resumes: after the last point it judged, or at the start when it has no state. */
const firstToJudge = (points: Points, detector: DetectorState | undefined) => (detector ? indexAfter(points, detector.lastTime) : 0);

/** An anomaly as an alert condition (open until a run no longer sees it). */
export function anomalyCondition(anomaly: SeriesAnomaly): Condition {
  const where = describeDimensions(anomaly.dimensions);
  const at = new Date(anomaly.time).toISOString().slice(11, 16);
  const show = findMetric(anomaly.metric)?.unit === 'ms' ? `${Math.round(anomaly.value)} ms` : anomaly.value.toPrecision(3);
  return {
    key: `anomaly|${anomaly.metric}|${JSON.stringify(anomaly.dimensions)}`,
    rule: 'anomaly',
    // ARTime's score says how new a pattern is, not how bad: every anomaly is a warning to look at.
    severity: 'warning',
    title: `Unusual ${anomaly.metric} ${anomaly.statistic} (${show})${where ? ` on ${where}` : ''}`,
    message: `${anomaly.metric} ${anomaly.statistic} was ${show} in the ${ANOMALY_BUCKET_MS / 60_000} minutes from ${at} UTC${where ? ` (${where})` : ''}, a pattern this series has not shown before (ARTime score ${anomaly.score.toFixed(2)}, alerting at ${DEFAULT_DETECTOR.threshold.toFixed(2)}).`,
    metric: anomaly.metric,
    dimensions: anomaly.dimensions,
    value: anomaly.value,
    threshold: DEFAULT_DETECTOR.threshold,
    windowStart: anomaly.time,
    windowMs: ANOMALY_BUCKET_MS,
  };
}
