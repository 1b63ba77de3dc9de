import type { PartialAggregate } from './aggregation/partial-aggregate.ts';
import type { Alert } from './alerts/alert.ts';
import type { AlertState, OpenAlert } from './alerts/lifecycle.ts';
import type { Condition } from './alerts/rules.ts';
import type { KeptStatistics } from './analysis/kept-statistics.ts';
import type { StoredForecast } from './analysis/forecast/scheduled-forecasts.ts';

// The stream port is shared with the server SDK's Kinesis transport, so it is declared with the record format.
export type { MetricStream, StreamEntry } from '@vitalstream/protocol/stream';

export interface AggregateQuery {
  readonly metric: string;
  /** Inclusive, epoch ms. */
  readonly from: number;
  /** Exclusive, epoch ms. */
  readonly to: number;
  /** Only series whose dimensions hold every one of these values. */
  readonly filters: Readonly<Record<string, string>>;
  /**
   * The width of the points the caller merges into (ms; Infinity for one total): a store may
   * answer with partials as coarse as that (hourly rollups for a week), never coarser.
   * Absent: one-minute partials.
   */
  readonly resolutionMs?: number;
}

/** Timestream or DynamoDB on AWS, SQLite locally. (Stored data keeps its first names: SQLite's column `partial_id` and Timestream's dimension `partial` hold the batch identity.) */
export interface MetricStore {
  /**
   * Stores one batch's partial aggregates under its identity, replacing whatever that identity
   * stored before, atomically: a replayed batch overwrites itself instead of counting twice.
   * `batchTime` is when the batch's first record reached the stream: fixed for a batch identity.
   */
  replacePartials(batchId: string, partials: readonly PartialAggregate[], batchTime: number): Promise<void>;
  /**
   * Every stored partial of the metric whose window starts in [from, to) and that matches the
   * filters, to be iterated once: a store may decode them as they are read, so a long range
   * never has to be held whole.
   */
  readPartials(query: AggregateQuery): Promise<Iterable<PartialAggregate>>;
  /**
   * Every partial of several metrics in [from, to), in one read (the scheduled jobs pay per query
   * on AWS), to be iterated once and decoded as it is read, like readPartials.
   */
  readMetrics(metrics: readonly string[], from: number, to: number): Promise<Iterable<PartialAggregate>>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A lease that lets one run of a scheduled job proceed at a time: EventBridge and Lambda's async
 * retries can start a second run while the first still works on the same saved state.
 */
export interface RunLease {
  /** Takes the lease for `holder` until `until` (epoch ms), unless another holder has it unexpired at `now`. */
  acquire(holder: string, until: number, now: number): Promise<boolean>;
  /** Gives the lease back, if `holder` still has it. */
  release(holder: string): Promise<void>;
}

/** Where the alert lifecycle (open conditions, cooldowns) lives between runs: DynamoDB on AWS, a file locally. */
export interface AlertStateStore {
  load(): Promise<AlertState>;
  save(state: AlertState): Promise<void>;
}

/** Where the scheduled forecasts live between refits: DynamoDB items on AWS, a file locally. */
export interface ForecastStore {
  load(key: string): Promise<StoredForecast | undefined>;
  /** Replaces the stored forecasts with these (keys not in the list are kept: an app that went quiet keeps its last fit) and records when. */
  save(forecasts: readonly StoredForecast[], fittedAt: number): Promise<void>;
  /** When the forecasts were last refitted (epoch ms), 0 if never. */
  fittedAt(): Promise<number>;
}

/** The anomaly detector's 15-minute statistics between runs: an S3 object on AWS, a file locally. */
export interface KeptStatisticsStore {
  load(): Promise<KeptStatistics | undefined>;
  save(history: KeptStatistics): Promise<void>;
}

/** What /v1/alerts and /v1/anomalies read: the lifecycle state and, where a log exists (locally), recent alerts. */
export interface AlertReader {
  open(): Promise<OpenAlert[]>;
  /** The anomaly detector's findings from its latest run. */
  anomalies?(): Promise<{ checkedAt: number; conditions: Condition[] }>;
  recent?(limit: number): Promise<Alert[]>;
}

/** Where handlers report what went wrong: Powertools Logger on Lambda, readable lines locally. */
export interface Logger {
  error(message: string, detail?: Record<string, unknown>): void;
  /** Something worth an operator's look that is not a failure (a cap reached); falls back to error where absent. */
  warn?(message: string, detail?: Record<string, unknown>): void;
}
