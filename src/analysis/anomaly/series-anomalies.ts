import { emptyPartial, mergeInto, type PartialAggregate } from '../../aggregation/partial-aggregate.ts';
import { summarize, type AggregatePoint } from '../../aggregation/summarize.ts';
import { alertGroupOf } from '../../alerts/evaluate.ts';
import type { Condition } from '../../alerts/rules.ts';
import { findMetric } from '@vitalstream/protocol';
import { createAnomalyDetector, DEFAULT_DETECTOR, type DetectorConfig } from './detector.ts';

export const ANOMALY_BUCKET_MS = 15 * 60_000;
/** A week of history for the seasonal view plus the day of learning. */
export const ANOMALY_HISTORY_MS = 8 * 24 * 3600_000;

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
  /** [bucket start, value], oldest first. */
  points: [number, number][];
}

/** Merges partials into complete 15-minute buckets per alert group and takes each bucket's statistic. */
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
    const points = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([time, p]): [number, number] => [time, statistic.of(summarize(p))]);
    return { metric, statistic: statistic.label, dimensions, points };
  });
}

/**
 * Replays each series through the production detector and returns the anomalies raised in buckets
 * that ended after `since`: stateless, so a run needs only the stored aggregates, and any number
 * of runs agree with one another.
 */
export function detectInSeries(series: readonly BucketSeries[], since: number, config: DetectorConfig = DEFAULT_DETECTOR): SeriesAnomaly[] {
  const anomalies: SeriesAnomaly[] = [];
  for (const { metric, statistic, dimensions, points } of series) {
    const detector = createAnomalyDetector(config);
    for (const [time, value] of points) {
      const judgement = detector.update(time, value);
      if (judgement.alert && time + ANOMALY_BUCKET_MS > since) anomalies.push({ metric, statistic, dimensions, time, value, score: judgement.score });
    }
  }
  return anomalies;
}

/** An anomaly as an alert condition (open until a run no longer sees it). */
export function anomalyCondition(anomaly: SeriesAnomaly): Condition {
  const where = Object.entries(anomaly.dimensions).map(([k, v]) => `${k}=${v}`).join(', ');
  const at = new Date(anomaly.time).toISOString().slice(11, 16);
  const show = findMetric(anomaly.metric)?.unit === 'ms' ? `${Math.round(anomaly.value)} ms` : anomaly.value.toPrecision(3);
  return {
    key: `anomaly|${anomaly.metric}|${JSON.stringify(anomaly.dimensions)}`,
    rule: 'anomaly',
    severity: anomaly.score >= 0.95 ? 'error' : 'warning',
    title: `Unusual ${anomaly.metric} ${anomaly.statistic} (${show})${where ? ` on ${where}` : ''}`,
    message: `${anomaly.metric} ${anomaly.statistic} was ${show} in the 15 minutes from ${at} UTC${where ? ` (${where})` : ''}, unlike this series' recent history and the same time on previous days (anomaly score ${anomaly.score.toFixed(2)}, alerting at ${DEFAULT_DETECTOR.sensitivity}).`,
    metric: anomaly.metric,
    dimensions: anomaly.dimensions,
    value: anomaly.value,
    threshold: DEFAULT_DETECTOR.sensitivity,
    windowStart: anomaly.time,
    windowMs: ANOMALY_BUCKET_MS,
  };
}
