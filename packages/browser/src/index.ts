import { isBot, sampled } from './context.ts';
import { backForwardCache } from './signals/back-forward-cache.ts';
import { jsErrors } from './signals/errors.ts';
import { serverTiming } from './signals/server-timing.ts';
import { interactions, rageClicks } from './signals/interactions.ts';
import { longTasks } from './signals/long-tasks.ts';
import { navigation } from './signals/navigation.ts';
import { resources } from './signals/resources.ts';
import { userExperienceScore } from './signals/ux-score.ts';
import { webVitals } from './signals/web-vitals.ts';
import { recordRoutes } from './routes.ts';
import { addTraceHeaders } from './trace-headers.ts';
import { outbox } from './outbox.ts';
import type { BrowserMetric, Options, Problem, Signal, SignalContext } from './types.ts';

export type { BrowserMetric, Options, Problem, Report, Signal, SignalContext } from './types.ts';
export { webVitals, resources, navigation, longTasks, interactions, rageClicks, jsErrors, serverTiming, userExperienceScore, backForwardCache };

export interface Collector {
  /** Report a metric of your own (e.g. `custom_checkout_steps` with a unit). */
  push(metric: BrowserMetric): void;
  /** Send what is queued now. */
  flush(): void;
  /** Sends what is queued, then stops every signal, listener and timer; later metrics are ignored. */
  stop(): void;
  /** The names of the signals that started. */
  readonly signals: readonly string[];
}

/** Every signal, as the script-tag build runs them. A bundle that imports this ships them all. */
export const allSignals = (): Signal[] => [
  webVitals,
  resources,
  navigation,
  serverTiming,
  longTasks,
  interactions,
  rageClicks,
  jsErrors,
  userExperienceScore,
  backForwardCache,
];

const noop: Collector = { push() {}, flush() {}, stop() {}, signals: [] };

/** Starts measuring this page and sends beacons to `options.endpoint`. */
export function init(options: Options): Collector {
  if (typeof window === 'undefined' || !options.endpoint || !options.app) return noop;
  if (!sampled(options.sampleRate ?? 1)) return noop;
  if ((options.dropBots ?? true) && isBot()) return noop;

  const endpoint = new URL(options.endpoint, location.href).href;
  const last = new Map<string, BrowserMetric>();
  const hiddenCallbacks: (() => void)[] = [];
  const stopping = new AbortController();
  const stop = stopping.signal;
  let errors = 0;
  addEventListener('error', () => void errors++, { signal: stop });
  addEventListener('unhandledrejection', () => void errors++, { signal: stop });

  const problem = options.onError ?? ((p: Problem) => p.kind === 'no-signals' && console.warn('vitalstream:', p.reason));
  const out = outbox(options, endpoint, problem);
  const flush = out.flush;

  const routes = recordRoutes(options.route, stop);
  const push = (metric: BrowserMetric) => {
    // web-vitals offers no way to unsubscribe: after stop() its late reports end here.
    if (stop.aborted) return;
    const page = metric.page ?? location.pathname;
    const route = routes.of(page);
    const stamped: BrowserMetric = { ...metric, timestamp: metric.timestamp ?? Date.now(), page };
    if (route) stamped.route = route;
    if (stamped.name.startsWith('web_vitals_')) last.set(stamped.name, stamped);
    const edited = options.beforeSend ? options.beforeSend(stamped) : stamped;
    if (edited) out.add(edited);
  };

  const context: SignalContext = {
    isOwnRequest: (url) => url.startsWith(endpoint),
    onHidden: (callback) => void hiddenCallbacks.push(callback),
    errors: () => errors,
    lastReported: (name) => last.get(name),
    stop,
  };
  const started: string[] = [];
  // Without a type checker a call can leave `signals` out: say so rather than measure nothing
  // quietly. An empty list is a choice (a collector only for push()), and says nothing.
  if (!options.signals) problem({ kind: 'no-signals', count: 0, reason: 'no signals: pass signals: allSignals() or the ones you import' });
  for (const signal of options.signals ?? []) {
    try {
      signal.start(push, context);
      started.push(signal.name);
    } catch (error) {
      // One signal failing must not stop the others or break the page.
      problem({ kind: 'signal-failed', count: 0, reason: String(error), signal: signal.name });
    }
  }

  // Registered after the signals, so web-vitals has reported its final values when this runs.
  // pagehide, not beforeunload: beforeunload keeps a page out of the back/forward cache.
  const leave = () => {
    for (const callback of hiddenCallbacks) callback();
    flush(true);
  };
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave(), { signal: stop });
  addEventListener('pagehide', leave, { signal: stop });
  const timer = setInterval(flush, options.flushInterval ?? 30_000);
  const removeTraceHeaders = options.traceOrigins?.length ? addTraceHeaders(options.traceOrigins) : undefined;

  return {
    push,
    flush: () => flush(),
    stop() {
      if (stop.aborted) return;
      flush();
      clearInterval(timer);
      removeTraceHeaders?.();
      stopping.abort();
    },
    signals: started,
  };
}
