/** The server SDK's types, in a module of their own so the monitor, the fold and the transports do not import each other. */
import type { BeaconMetric } from '@vitalstream/protocol';

/** A beacon metric (its types generated from the beacon schema), narrowed to what a server sends. */
export interface ServerMetric {
  name: BeaconMetric['name'];
  value: BeaconMetric['value'];
  /** How many times `value` occurred (set by the monitor when it folds repeats). */
  count?: BeaconMetric['count'];
  unit?: Extract<BeaconMetric['unit'], 'ms' | 'bytes' | 'count' | '%' | 'rate' | 'score'>;
  timestamp?: number;
  source?: Extract<BeaconMetric['source'], 'server' | 'database' | 'external_api' | 'system'>;
  tags?: Record<string, string>;
}

/** What every occurrence of one series shares: all of a metric but its value, timestamp and count. */
export type SeriesTemplate = Omit<ServerMetric, 'value' | 'timestamp' | 'count'>;

/**
 * Delivers one beacon body; resolves with the HTTP status (or throws on a network error). The
 * signal aborts when the monitor gives up on the send (its shutdown deadline has passed).
 */
export type Transport = (body: string, signal?: AbortSignal) => Promise<number | TransportAnswer>;

/** What an endpoint answered: the status, and the body when the transport read it (the 202 names refused metrics). */
export interface TransportAnswer {
  status: number;
  body?: string;
}

/** What `shutdown()` could not deliver before its deadline or because the endpoint refused it. */
export interface ShutdownReport {
  /** Every metric held at shutdown reached the endpoint. */
  delivered: boolean;
  /** Metrics (occurrences, counting folded entries by their count) that were not delivered. */
  undelivered: number;
  /** The deadline passed with sends still in flight. */
  timedOut: boolean;
}

export interface MonitorOptions {
  app: string;
  /** The beacon URL, sent to from a worker thread; ignored when `transport` is given. */
  endpoint?: string;
  transport?: Transport;
  service?: string;
  release?: string;
  /** Hard bound on buffered entries; beyond it the oldest are dropped and counted. */
  maxBuffer?: number;
  flushIntervalMs?: number;
  maxRetries?: number;
  /** How long `shutdown()` may take at most (ms, default 5,000); what is not delivered by then is reported. */
  shutdownTimeoutMs?: number;
  onError?: (error: Error) => void;
}

export interface Monitor {
  record(metric: ServerMetric): void;
  flush(): Promise<void>;
  /**
   * Flushes and stops, within `shutdownTimeoutMs` whatever the endpoint does (down, answering
   * 500, or accepting and never answering); resolves with what could not be delivered, which is
   * also reported to `onError`. Call it from your shutdown path; a process that ends without calling it gets the same bounded shutdown on beforeExit.
   */
  shutdown(): Promise<ShutdownReport>;
  /**
   * A recorder for one series recorded over and over with only the value changing (a route's
   * requests): the same as `record({ ...template, value })`, with less work per value.
   */
  series(template: SeriesTemplate): (value: number, timestamp?: number) => void;
  /** Runs `handOver` at the start of every flush: for recorders that batch, to hand over what they hold. */
  beforeFlush(handOver: () => void): void;
  readonly dropped: number;
  readonly options: MonitorOptions;
}
