import type { Signal } from '../types.ts';

/** The part of a navigation entry's `notRestoredReasons` read here: a frame, its reasons and its frames. */
interface NotRestoredFrame {
  reasons?: { reason?: string }[] | null;
  children?: NotRestoredFrame[] | null;
}

/**
 * Back and forward navigations, and why the page was not restored from the back/forward cache:
 * `back_forward_navigation` once per such navigation, tagged restored yes or no, and for one that
 * loaded anew, `bfcache_blocked` once per reason the browser gives (`notRestoredReasons`, in
 * Chromium 123 and later) across the page and its frames. A restored page's vitals come from
 * web-vitals with navigation type `back-forward-cache`.
 */
export const backForwardCache: Signal = {
  name: 'backForwardCache',
  start(report, { stop }) {
    const navigated = (restored: string) => report({ name: 'back_forward_navigation', value: 1, unit: 'count', tags: { restored } });
    const nav = performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { notRestoredReasons?: NotRestoredFrame | null }) | undefined;
    if (nav?.type === 'back_forward') {
      navigated('no');
      const reasons = new Set<string>();
      const collect = (frame?: NotRestoredFrame | null) => {
        for (const r of frame?.reasons ?? []) reasons.add(r.reason ?? '');
        for (const child of frame?.children ?? []) collect(child);
      };
      collect(nav.notRestoredReasons);
      for (const reason of reasons) if (reason) report({ name: 'bfcache_blocked', value: 1, unit: 'count', tags: { reason } });
    }
    addEventListener('pageshow', (event) => event.persisted && navigated('yes'), { signal: stop });
  },
};
