// Generated from schema/beacon.schema.json by `npm run generate:types`; edit the schema, not this file.

/**
 * One POST /v1/beacon body: a batch of metrics from one page view or one server process. Names, units and tag keys are further checked against the metric registry (@vitalstream/protocol: packages/protocol/src/registry/metrics.ts).
 */
export interface VitalstreamBeacon {
  /**
   * Application id; lower-case letters, digits, '.', '_' and '-'.
   */
  app: string;
  context?: Context;
  sdk?: {
    name?: string;
    version?: string;
  };
  /**
   * @minItems 1
   * @maxItems 500
   */
  metrics: [Metric, ...Metric[]];
}
export interface Context {
  /**
   * Random per-session id; never stored.
   */
  sessionId?: string;
  /**
   * Page path or URL; stored as a route template without query string.
   */
  page?: string;
  /**
   * Route template the app already knows (e.g. /courses/:id); preferred over page.
   */
  route?: string;
  device?: 'mobile' | 'tablet' | 'desktop' | 'bot' | 'unknown';
  connection?: string;
  release?: string;
  /**
   * Already-hashed user id; never stored.
   */
  userIdHash?: string;
  /**
   * Server-side service name.
   */
  service?: string;
}
export interface Metric {
  /**
   * A registered metric name, function_<name>, or custom_<name>.
   */
  name: string;
  value: number;
  /**
   * How many times this value occurred, for clients that pre-aggregate (default 1).
   */
  count?: number;
  unit?: 'ms' | 's' | 'bytes' | '%' | 'count' | 'rate' | 'score';
  /**
   * Epoch milliseconds or ISO 8601; defaults to the time the beacon is received.
   */
  timestamp?: number | string;
  source?: 'browser' | 'server' | 'database' | 'cdn' | 'external_api' | 'system';
  tags?: {
    [k: string]: string | number | boolean;
  };
}
