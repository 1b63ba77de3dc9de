/**
 * Every tuned number and limit of the pipeline, in one place: what an alert fires on, when advice
 * is given, how the stream is delivered to the aggregator, how long queries may take. Both runtimes
 * and the CDK stack read them from here; where a deployment may override one, the override is
 * read in `lib/config.ts` (AWS) or `local/config.ts` (local), and one table in the settings
 * page of the documentation names each override.
 */

/** Database query speed, the same lines for the alert rules, the advice and the trend alerts. */
export const QUERY_SPEED = {
  /** A query's p95 over this is slow (the seed's "slow" tag, 1 s). */
  slowMs: 1000,
  /** One query over this is the advice's evidence that a shape needs an index. */
  adviceMaxMs: 5000,
  /** One query over this is critical (the seed's "extremely slow", 10 s). */
  extremelySlowMs: 10_000,
} as const;

/** The threshold rules, judged per one-minute window (src/alerts/rules.ts). */
export const RULE_LIMITS = {
  slowRequestMs: 5000,
  longTaskMs: 500,
  slowQueryMs: QUERY_SPEED.slowMs,
  extremelySlowQueryMs: QUERY_SPEED.extremelySlowMs,
  serverErrorShare: 0.05,
  minRequestsForErrorShare: 20,
  /** A p75 from fewer page views in a minute says little: a web vital rule needs at least this many. */
  minPageViewsForP75: 20,
  slaCompliance: 0.99,
  cacheHitRate: 0.8,
} as const;

/** When advice is worth giving: queries over 5 s (or a p95 over 1 s), cache hit rates under 0.8, API responses over 2 s (p95). */
export const ADVICE_LIMITS = { slowQueryMs: QUERY_SPEED.adviceMaxMs, slowQueryP95Ms: QUERY_SPEED.slowMs, cacheHitRate: 0.8, apiResponseMs: 2000 } as const;

/** How alerts reach people. */
export const ALERT_DELIVERY = {
  /** A condition that resolved this recently does not fire again (flapping protection). */
  cooldownMs: 30 * 60_000,
  /** Notifications one analysis run sends per app; the rest of that app's alerts go out as one digest. */
  notificationsPerApp: 5,
} as const;

/**
 * How the stream is delivered to the aggregator, on AWS (the Kinesis event source mapping) and
 * locally (the SQLite stream's consumer) alike.
 */
export const STREAM_DELIVERY = {
  /** Records per aggregator invocation at most. */
  batchSize: 1000,
  /** Retries of a failing record after its first try, before it is dead-lettered (Lambda's MaximumRetryAttempts). */
  retries: 5,
  /** Past this a record is more use in the dead-letter queue than holding its shard back (AWS). */
  maxRecordAgeHours: 6,
} as const;

/** What the query API answers at most, and how long it may take. */
export const QUERY_LIMITS = {
  /** Points in one answer; past it the client is told to use a coarser step. */
  maxAnswerPoints: 50_000,
  /** API Gateway's integration limit, so both runtimes give up alike. */
  timeoutMs: 29_000,
} as const;
