import { ALERT_DELIVERY } from '../src/settings.ts';

/** Everything a user may set with `-c key=value`; the defaults are what `cdk deploy` uses without flags. */
export interface VitalstreamConfig {
  /**
   * Where the aggregates live. Timestream, the design's store, for accounts that have it (closed to
   * new AWS customers since 2025-06-20); DynamoDB on-demand for every other account.
   */
  metricStore: 'timestream' | 'dynamodb';
  /** DynamoDB store: how long hourly aggregates are kept (TTL). */
  retentionDays: number;
  /** DynamoDB store: how long minute aggregates are kept (TTL); older ranges are answered by the hour. */
  minuteRetentionDays: number;
  /**
   * The beacon stream. Provisioned with one shard (1,000 records/s, ~$11 a month) serves most
   * sites; on-demand (~$29 a month in stream hours alone) scales by itself for traffic that spikes
   * past that.
   */
  streamMode: 'provisioned' | 'on-demand';
  /** Shards of a provisioned stream; each takes 1,000 beacons/s and 1 MB/s. */
  shards: number;
  /** Origins allowed to send beacons with CORS (comma-separated). sendBeacon's text/plain needs none. */
  allowedOrigins: string[];
  /** Optional e-mail address subscribed to the alert topic (confirm the e-mail AWS sends). */
  alertEmail?: string;
  /** Beacon route throttle (requests/s steady, burst). */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Throttle of every other route (query API, dashboard), kept apart from the public beacon route's. */
  queryThrottleRateLimit: number;
  queryThrottleBurstLimit: number;
  /** Apps the beacon endpoint accepts (comma-separated); empty accepts any well-formed name. */
  apps: string[];
  /**
   * Concurrency reserved for (and so the most used by) the ingest function. Unset by default: a new
   * account may have a concurrency limit of 10, where any reservation fails the deploy.
   */
  ingestReservedConcurrency?: number;
  /**
   * How long the stream consumer gathers records before one invocation (Lambda's MaximumBatchingWindow).
   * Longer windows fold more events into each (series, minute) record: Timestream bills per record.
   */
  batchWindowSeconds: number;
  /** Timestream memory store: fast writes and queries. Older (and late) data goes to the magnetic store. */
  memoryRetentionHours: number;
  magneticRetentionDays: number;
  logRetentionDays: number;
  /** How often the scheduled analysis runs (minutes); each run is one Timestream query. */
  analyzeEveryMinutes: number;
  /** Memory of the analyze function (MB): Lambda gives cores with memory, and the anomaly replay uses every core. */
  analyzeMemoryMb: number;
  /** How often an open dashboard refreshes (seconds); each refresh is a burst of Timestream queries. */
  dashboardRefreshSeconds: number;
  /** Alert notifications one analysis run sends per app; the rest of that app's go out as one digest. */
  alertsPerAppPerRun: number;
}

export const DEFAULTS: VitalstreamConfig = {
  metricStore: 'timestream',
  retentionDays: 400,
  minuteRetentionDays: 35,
  streamMode: 'provisioned',
  shards: 1,
  allowedOrigins: [],
  throttleRateLimit: 1000,
  throttleBurstLimit: 2000,
  queryThrottleRateLimit: 50,
  queryThrottleBurstLimit: 100,
  apps: [],
  batchWindowSeconds: 60,
  memoryRetentionHours: 12,
  magneticRetentionDays: 400,
  logRetentionDays: 30,
  analyzeEveryMinutes: 15,
  dashboardRefreshSeconds: 300,
  analyzeMemoryMb: 1769,
  alertsPerAppPerRun: ALERT_DELIVERY.notificationsPerApp,
};

type ContextReader = (key: string) => unknown;

/** Context keys of our own that are not settings of the stack. */
const OTHER_KEYS = ['stackName'];
/** The CDK's own plain keys; its feature flags and lookups carry ':' or start with '@'. */
const CDK_PLAIN_KEYS = ['acknowledged-issue-numbers', 'cli-telemetry'];

/**
 * A misspelled key (`-c metricstore=dynamodb`) would otherwise be ignored and deploy the default,
 * which for the store is a Timestream stack a new account cannot create.
 */
export function refuseUnknownContextKeys(keys: Iterable<string>): void {
  const known = [...Object.keys(DEFAULTS), 'alertEmail', 'ingestReservedConcurrency', ...OTHER_KEYS];
  for (const key of keys) {
    if (known.includes(key) || CDK_PLAIN_KEYS.includes(key) || key.includes(':') || key.startsWith('@')) continue;
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
    throw new Error(`unknown context key '${key}'${near ? ` (did you mean '${near}'?)` : ''}; known keys: ${known.sort().join(', ')}`);
  }
}

/** Reads CDK context, refusing unknown keys and values that would deploy something broken. */
export function readConfig(context: ContextReader, keys: Iterable<string> = []): VitalstreamConfig {
  refuseUnknownContextKeys(keys);
  const number = (key: keyof VitalstreamConfig, min: number, max: number): number => {
    const raw = context(key);
    if (raw === undefined) return DEFAULTS[key] as number;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`context ${key} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
    return value;
  };
  const origins = String(context('allowedOrigins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*' || !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`context allowedOrigins: '${origin}' is not an origin like https://shop.example.com (and never *: beacons carry credentials)`);
    }
  }
  const apps = String(context('apps') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const app of apps) {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(app))
      throw new Error(`context apps: '${app}' is not an app name (lower-case letters, digits, '.', '_' and '-', at most 64)`);
  }
  const alertEmail = context('alertEmail');
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(alertEmail))) {
    throw new Error(`context alertEmail: '${String(alertEmail)}' is not an e-mail address`);
  }
  const choice = <T extends string>(key: keyof VitalstreamConfig, allowed: readonly T[]): T => {
    const raw = context(key);
    if (raw === undefined) return DEFAULTS[key] as T;
    if (!allowed.includes(String(raw) as T)) throw new Error(`context ${key} must be ${allowed.join(' or ')}, got '${String(raw)}'`);
    return String(raw) as T;
  };
  const config: VitalstreamConfig = {
    metricStore: choice('metricStore', ['timestream', 'dynamodb'] as const),
    retentionDays: number('retentionDays', 1, 3650),
    minuteRetentionDays: number('minuteRetentionDays', 1, 3650),
    streamMode: choice('streamMode', ['provisioned', 'on-demand'] as const),
    shards: number('shards', 1, 200),
    allowedOrigins: origins,
    throttleRateLimit: number('throttleRateLimit', 1, 10_000),
    throttleBurstLimit: number('throttleBurstLimit', 1, 5_000),
    queryThrottleRateLimit: number('queryThrottleRateLimit', 1, 10_000),
    queryThrottleBurstLimit: number('queryThrottleBurstLimit', 1, 5_000),
    apps,
    batchWindowSeconds: number('batchWindowSeconds', 0, 300),
    memoryRetentionHours: number('memoryRetentionHours', 1, 8766),
    magneticRetentionDays: number('magneticRetentionDays', 1, 73_000),
    logRetentionDays: number('logRetentionDays', 1, 3653),
    analyzeEveryMinutes: number('analyzeEveryMinutes', 1, 1440),
    dashboardRefreshSeconds: number('dashboardRefreshSeconds', 30, 3600),
    analyzeMemoryMb: number('analyzeMemoryMb', 512, 10_240),
    alertsPerAppPerRun: number('alertsPerAppPerRun', 1, 100),
  };
  if (alertEmail !== undefined) config.alertEmail = String(alertEmail);
  if (context('ingestReservedConcurrency') !== undefined) {
    const reserved = Number(context('ingestReservedConcurrency'));
    if (!Number.isInteger(reserved) || reserved < 1 || reserved > 10_000)
      throw new Error(`context ingestReservedConcurrency must be an integer from 1 to 10000, got '${String(context('ingestReservedConcurrency'))}'`);
    config.ingestReservedConcurrency = reserved;
  }
  return config;
}
