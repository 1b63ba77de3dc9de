export const METRIC_UNITS = ['ms', 's', 'bytes', '%', 'count', 'rate', 'score'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export const METRIC_SOURCES = ['browser', 'server', 'database', 'cdn', 'external_api', 'system'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

/** Rating bands as web-vitals defines them: value <= good is good, <= poor needs improvement, above is poor. */
export interface RatingThresholds {
  readonly good: number;
  readonly poor: number;
}

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly source: MetricSource;
  readonly description: string;
  /** Inclusive bounds a plausible value must fall within; anything outside is a client bug or an attack. */
  readonly min: number;
  readonly max: number;
  readonly rating?: RatingThresholds;
  /** Tag keys a client may send. Tags not listed are refused so typos surface instead of vanishing. */
  readonly tags: readonly string[];
  /** The subset of `tags` stored as dimensions of the per-minute aggregates; the others are accepted and dropped. */
  readonly dimensions: readonly string[];
  /** How the ingest cleans a dimension's value before it is stored (an error message becomes its fingerprint). */
  readonly cleanTags?: Readonly<Record<string, (value: string) => string>>;
}

/**
 * The largest magnitude any value may have. With at most 1,000,000 occurrences per entry, one
 * entry adds at most 1e21 to a window's sum, and about 1e287 such entries would be needed to
 * overflow a double: every accepted input keeps count, sum, min, max and the sketch finite.
 * (Two custom values of 1.7e308 x 2 and -1.7e308 x 2 once made a sum NaN that no store accepts.)
 */
export const MAX_VALUE_MAGNITUDE = 1e15;
/** The most occurrences one entry may stand for (`count`), for clients that pre-aggregate. */
export const MAX_OCCURRENCES = 1_000_000;

export type Rating = 'good' | 'needs-improvement' | 'poor';

export function rate(value: number, thresholds: RatingThresholds): Rating {
  if (value <= thresholds.good) return 'good';
  if (value <= thresholds.poor) return 'needs-improvement';
  return 'poor';
}
