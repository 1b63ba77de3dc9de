/** What a signal reports; the collector adds the timestamp and the transport the envelope. */
export interface BrowserMetric {
  name: string;
  value: number;
  unit?: 'ms' | 'bytes' | 'count' | 'score';
  timestamp?: number;
  tags?: Record<string, string>;
  /**
   * The path the metric belongs to; by default the page's path when it is reported. A soft
   * navigation's vitals carry the route they were measured on.
   */
  page?: string;
  /** The route template it belongs to: the `route` option as it read while the metric's page was current. */
  route?: string;
}

export type Report = (metric: BrowserMetric) => void;

/**
 * Narrow instrumentation interface (as in Grafana Faro): a named signal that gets `report` and
 * a context. It stops when `context.stop` aborts: listeners and observers go with it.
 */
export interface Signal {
  readonly name: string;
  start(report: Report, context: SignalContext): void;
}

export interface SignalContext {
  /** URLs the SDK itself sends to; signals must never measure them. */
  isOwnRequest(url: string): boolean;
  /** Runs when the page is being hidden or left: the last chance to report. */
  onHidden(callback: () => void): void;
  /** Counts uncaught errors, for the reliability part of the UX score. */
  errors(): number;
  /** The last metric of this name reported on this page (web vitals are kept for the UX score). */
  lastReported(name: string): BrowserMetric | undefined;
  /** Aborts when the collector stops; pass it to addEventListener and to observers. */
  stop: AbortSignal;
}

export interface Options {
  /** Beacon URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/v1/beacon */
  endpoint: string;
  app: string;
  release?: string;
  /** Route template for this page (e.g. '/courses/:id'); by default the server folds ids in the path. */
  route?: string | (() => string);
  /** Share of sessions to measure, 0..1 (default 1). Decided once per tab session. */
  sampleRate?: number;
  /** Edit or drop (return null) a metric before it is queued. */
  beforeSend?: (metric: BrowserMetric) => BrowserMetric | null;
  /** Drop automated traffic (navigator.webdriver, headless, crawlers). Default true. */
  dropBots?: boolean;
  /**
   * Origins whose fetch and XMLHttpRequest calls get a W3C `traceparent` header (e.g.
   * `['https://api.shop.example']`; the page's own origin only when listed). A cross-origin call
   * with it is preflighted: its server must allow the header (Access-Control-Allow-Headers).
   */
  traceOrigins?: string[];
  /** Send queued metrics this often while the page is open (ms, default 30 000). */
  flushInterval?: number;
  /**
   * Signals to run, e.g. `[webVitals, jsErrors]` or `allSignals()`. Only the signals named here
   * end up in a bundle: import what you use.
   */
  signals: Signal[];
  /**
   * What did not arrive: metrics the endpoint refused (read from its answer when the SDK sent with
   * fetch; a sendBeacon answer cannot be read by the page), and metrics dropped because no beacon
   * could hold them.
   */
  onError?: (problem: Problem) => void;
}

/** What did not arrive, or a signal that failed to start (`signal` names it). */
export interface Problem {
  kind: 'refused' | 'dropped' | 'signal-failed' | 'no-signals';
  count: number;
  reason: string;
  signal?: string;
}
