import type { Signal } from '../types.ts';
import { observe } from './observe.ts';

/** Entries per page view at most: a server may name many phases, a page may load many resources. */
const MAX_ENTRIES = 50;

/**
 * The Server-Timing entries the page's own response and its same-origin resources carry, as
 * `server_timing` (ms) by `name`: what the server says it spent, beside what the browser saw.
 * Cross-origin entries are left out (their timings are the other server's, when it shares them).
 */
export const serverTiming: Signal = {
  name: 'serverTiming',
  start(report, context) {
    let reported = 0;
    // Chromium can hand the navigation entry over twice (once loaded, again when the page is hidden).
    const seen = new Set<string>();
    observe('navigation', take, context.stop);
    observe('resource', take, context.stop);
    function take(entries: PerformanceEntry[]) {
      for (const entry of entries as PerformanceResourceTiming[]) {
        const key = `${entry.entryType} ${entry.name} ${entry.startTime}`;
        if (seen.has(key) || context.isOwnRequest(entry.name) || new URL(entry.name, location.href).origin !== location.origin) continue;
        seen.add(key);
        for (const timing of entry.serverTiming ?? []) {
          if (reported >= MAX_ENTRIES || !(timing.duration >= 0)) return;
          reported++;
          report({ name: 'server_timing', value: timing.duration, unit: 'ms', tags: { name: timing.name.slice(0, 64) } });
        }
      }
    }
  },
};
