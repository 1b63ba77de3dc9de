import { METRICS } from '@vitalstream/protocol';
import { WINDOW_MS, windowStartOf } from './partial-aggregate.ts';

export const DEFAULT_MAX_VALUES_PER_DIMENSION = 100;
/** Apps tracked per window; past it, a new app's other dimensions fold (the app itself never does). */
export const DEFAULT_MAX_APPS_PER_WINDOW = 10_000;
/** Distinct custom_ and function_ names one app may have in use; the rest fold into custom_other / function_other. */
export const DEFAULT_MAX_NAMES_PER_APP = 100;
export const OVERFLOW_VALUE = 'other';
/** Windows older than this (behind the newest seen) share one count: late data cannot open windows of its own. */
const REMEMBERED_WINDOWS = 120;
/** A name unused this long gives its place to a new one. */
const NAME_MEMORY_MS = 24 * 60 * 60 * 1000;

export interface CardinalityGuard {
  /** The name to store a metric under: registered names always; a custom or function name while its app is under the cap, else `<family>_other`. */
  admitName(app: string, name: string, windowStart: number): string;
  /** The value to store for this dimension of this app's metric: itself while under the cap, else `other`. */
  admit(app: string, metric: string, windowStart: number, dimension: string, value: string): string;
  /** Dimension values folded into `other`. */
  readonly folded: number;
  /** Metrics whose custom or function name was folded. */
  readonly foldedNames: number;
  readonly maxNamesPerApp: number;
}

export interface CardinalityLimits {
  maxValues?: number;
  maxApps?: number;
  maxNamesPerApp?: number;
}

/**
 * Bounds distinct values per app, metric, window and dimension, and distinct custom metric names
 * per app, so one noisy client (random ids in a tag, a crawler walking URLs, a sender inventing
 * metric names) cannot turn into thousands of series. Each cap is counted within an app: junk
 * traffic from strangers fills its own app's quota and never folds a real app's pages or metrics.
 * The app is never folded (it is the caller's business to refuse unknown apps: see the
 * allowed-apps setting); past `maxApps` apps, a newcomer's other dimensions and names fold at
 * once, which bounds this guard's memory. It lives in the consumer, so the bound holds per
 * consumer: on AWS, per shard, and a restart starts the name count afresh.
 */
export function createCardinalityGuard(limits: CardinalityLimits = {}): CardinalityGuard {
  const maxValues = limits.maxValues ?? DEFAULT_MAX_VALUES_PER_DIMENSION;
  const maxApps = limits.maxApps ?? DEFAULT_MAX_APPS_PER_WINDOW;
  const maxNames = limits.maxNamesPerApp ?? DEFAULT_MAX_NAMES_PER_APP;
  const seen = new Map<number, Map<string, Map<string, Set<string>>>>();
  /** Per app, each admitted custom or function name and the newest window it was seen in. */
  const names = new Map<string, Map<string, number>>();
  let newestWindow = -Infinity;
  let folded = 0;
  let foldedNames = 0;

  /** The window whose counts apply: itself within the horizon, one shared bucket for anything older. */
  const countedWindow = (windowStart: number): number => {
    if (windowStart > newestWindow) {
      newestWindow = windowStart;
      for (const window of seen.keys()) {
        if (window < oldestRemembered()) seen.delete(window);
      }
    }
    return windowStart < oldestRemembered() ? -Infinity : windowStart;
  };
  const oldestRemembered = () => newestWindow - REMEMBERED_WINDOWS * WINDOW_MS;

  return {
    get folded() {
      return folded;
    },
    get foldedNames() {
      return foldedNames;
    },
    maxNamesPerApp: maxNames,
    admitName(app, name, windowStart) {
      if (METRICS.has(name)) return name;
      const family = name.slice(0, name.indexOf('_'));
      const overflow = `${family}_${OVERFLOW_VALUE}`;
      if (name === overflow) return name;
      const inUse = appEntry(names, app, maxApps, () => new Map<string, number>());
      if (!inUse) {
        foldedNames += 1;
        return overflow;
      }
      const lastSeen = inUse.get(name);
      if (lastSeen !== undefined) {
        if (windowStart > lastSeen) inUse.set(name, windowStart);
        return name;
      }
      if (inUse.size >= maxNames) evictUnused(inUse, windowStart);
      if (inUse.size >= maxNames) {
        foldedNames += 1;
        return overflow;
      }
      inUse.set(name, windowStart);
      return name;
    },
    admit(app, metric, windowStart, dimension, value) {
      if (value === OVERFLOW_VALUE) return value;
      const window = countedWindow(windowStart);
      let byApp = seen.get(window);
      if (!byApp) seen.set(window, (byApp = new Map()));
      const byKey = appEntry(byApp, app, maxApps, () => new Map<string, Set<string>>());
      if (!byKey) {
        folded += 1;
        return OVERFLOW_VALUE;
      }
      const key = `${metric}\u0000${dimension}`;
      let values = byKey.get(key);
      if (!values) byKey.set(key, (values = new Set()));
      if (values.has(value)) return value;
      if (values.size < maxValues) {
        values.add(value);
        return value;
      }
      folded += 1;
      return OVERFLOW_VALUE;
    },
  };
}

/** An app's entry, made on first use while fewer than `maxApps` apps have one; undefined past that (the caller folds). */
function appEntry<T>(byApp: Map<string, T>, app: string, maxApps: number, create: () => T): T | undefined {
  let entry = byApp.get(app);
  if (entry === undefined && byApp.size < maxApps) byApp.set(app, (entry = create()));
  return entry;
}

/** Forgets the names an app has not used for a day, so the cap follows what it sends now. */
function evictUnused(inUse: Map<string, number>, now: number): void {
  for (const [name, lastSeen] of inUse) {
    if (lastSeen < now - NAME_MEMORY_MS) inUse.delete(name);
  }
}

/**
 * The ingest side of the name cap: a metric whose name the guard would fold is refused at the
 * door instead, with a reason, so a sender inventing names fills neither the stream nor the store.
 * The consumer's own guard stays the bound where several ingest instances each keep a count.
 */
export function refuseInventedNames(guard: CardinalityGuard, now: () => number): (app: string, name: string) => string | undefined {
  return (app, name) => {
    if (guard.admitName(app, name, windowStartOf(now())) === name) return undefined;
    return `app '${app}' already has ${guard.maxNamesPerApp} custom and function metric names in use, so '${name}' is refused; a name unused for 24 h frees its place`;
  };
}
