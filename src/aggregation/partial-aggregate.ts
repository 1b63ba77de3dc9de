import type { DDSketch } from '@datadog/sketches-js';
import { findMetric } from '@vitalstream/protocol';
import { rate, type RatingThresholds } from '@vitalstream/protocol';

const thresholdsByMetric = new Map<string, RatingThresholds | undefined>();

/** Rating thresholds by metric name, looked up once: addValue runs for every event. */
function ratingOf(metric: string): RatingThresholds | undefined {
  if (!thresholdsByMetric.has(metric)) thresholdsByMetric.set(metric, findMetric(metric)?.rating);
  return thresholdsByMetric.get(metric);
}
import { newSketch } from '@vitalstream/protocol/sketch';

export const WINDOW_MS = 60_000;

export const windowStartOf = (timestamp: number): number => Math.floor(timestamp / WINDOW_MS) * WINDOW_MS;

export interface RatingCounts {
  good: number;
  needsImprovement: number;
  poor: number;
}

/** Everything one window of one series needs; mergeable, so any split of the events adds up to the same thing. */
export interface PartialAggregate {
  readonly metric: string;
  readonly windowStart: number;
  readonly dimensions: Readonly<Record<string, string>>;
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: DDSketch;
  ratings?: RatingCounts;
}

/** A stable key for a dimension set: sorted keys, so {a,b} and {b,a} are one series. */
export function dimensionKey(dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(dimensions)
      .sort()
      .map((k) => [k, dimensions[k]]),
  );
}

export function seriesKey(metric: string, windowStart: number, dimensions: Readonly<Record<string, string>>): string {
  return `${metric}\u0000${windowStart}\u0000${dimensionKey(dimensions)}`;
}

export function emptyPartial(metric: string, windowStart: number, dimensions: Readonly<Record<string, string>>): PartialAggregate {
  const partial: PartialAggregate = { metric, windowStart, dimensions, count: 0, sum: 0, min: Infinity, max: -Infinity, sketch: newSketch() };
  if (ratingOf(metric)) partial.ratings = { good: 0, needsImprovement: 0, poor: 0 };
  return partial;
}

/** Adds `value` seen `weight` times. */
export function addValue(partial: PartialAggregate, value: number, weight = 1): void {
  partial.count += weight;
  partial.sum += value * weight;
  if (value < partial.min) partial.min = value;
  if (value > partial.max) partial.max = value;
  partial.sketch.accept(value, weight);
  const thresholds = ratingOf(partial.metric);
  if (thresholds && partial.ratings) {
    const rating = rate(value, thresholds);
    if (rating === 'good') partial.ratings.good += weight;
    else if (rating === 'poor') partial.ratings.poor += weight;
    else partial.ratings.needsImprovement += weight;
  }
}

/** Why a partial cannot be stored (a non-finite count, sum, min or max), or undefined when it can. */
export function isStorable(partial: PartialAggregate): string | undefined {
  for (const field of ['count', 'sum', 'min', 'max'] as const) {
    if (!Number.isFinite(partial[field])) return `${field} is ${partial[field]}`;
  }
  return undefined;
}

/** Folds `source` into `target`. */
export function mergeInto(target: PartialAggregate, source: PartialAggregate): void {
  target.count += source.count;
  target.sum += source.sum;
  target.min = Math.min(target.min, source.min);
  target.max = Math.max(target.max, source.max);
  target.sketch.merge(source.sketch);
  if (source.ratings) {
    target.ratings ??= { good: 0, needsImprovement: 0, poor: 0 };
    target.ratings.good += source.ratings.good;
    target.ratings.needsImprovement += source.ratings.needsImprovement;
    target.ratings.poor += source.ratings.poor;
  }
}
