import type { Options } from './types.ts';

/** The route template of a page, as the `route` option read while that page was current. */
export interface Routes {
  /** Reads the option now, for the current page, and remembers it. */
  now(): string | undefined;
  /** The route recorded for `page`: the current one's read now, another's as last recorded. */
  of(page: string): string | undefined;
}

/**
 * Each metric keeps the page (and route) it was measured on. In a single-page app a vital is often
 * reported after the user has moved on (a route's INP when the next route starts, the load's when
 * the tab hides), so its route is the one recorded while its page was current, never the route at
 * report time; a page with none recorded is left to the server to fold.
 */
export function recordRoutes(route: Options['route'], stop: AbortSignal): Routes {
  const routes = new Map<string, string>();
  const now = () => {
    const current = typeof route === 'function' ? route() : route;
    if (current) {
      routes.delete(location.pathname);
      routes.set(location.pathname, current);
      // An app with an id in every path would grow this without end: the oldest page goes first.
      if (routes.size > 50) routes.delete(routes.keys().next().value!);
    }
    return current;
  };
  now();
  // After a same-document navigation, once the app's router has rendered it (where the browser has
  // the Navigation API; elsewhere the first metric measured on the new page records it).
  (window as { navigation?: EventTarget }).navigation?.addEventListener('currententrychange', () => setTimeout(now), { signal: stop });
  return { now, of: (page) => (page === location.pathname ? now() : routes.get(page)) };
}
