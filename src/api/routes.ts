/**
 * Every route of the API, declared once. The local server, the query Lambda, the `/v1` listing
 * and the CDK stack all read this table.
 */
export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Which handler answers it. */
  readonly handler: 'ingest' | 'query';
  /** The beacon route is public (browsers hold no secret); query routes need the bearer token on AWS. */
  readonly access: 'public' | 'token';
  /** What the `/v1` listing shows, after the base URL. */
  readonly usage: string;
  /**
   * Query routes: `scan` reads a range of the store and can take seconds; `lookup` reads a small
   * state or a listing. Locally each kind waits in a line of its own, so five long advice queries
   * never hold up /v1/metrics.
   */
  readonly cost?: 'scan' | 'lookup';
}

export const API_ROUTES = [
  { method: 'POST', path: '/v1/beacon', handler: 'ingest', access: 'public', usage: '/v1/beacon' },
  {
    method: 'GET',
    path: '/v1/aggregates',
    handler: 'query',
    access: 'token',
    cost: 'scan',
    usage: '/v1/aggregates?metric=web_vitals_lcp&from=<ISO or epoch ms>&to=<...>[&<dimension>=<value>][&group_by=<dimension>][&step=minute|5m|15m|hour|total]',
  },
  { method: 'GET', path: '/v1/metrics', handler: 'query', access: 'token', cost: 'lookup', usage: '/v1/metrics' },
  { method: 'GET', path: '/v1/alerts', handler: 'query', access: 'token', cost: 'lookup', usage: '/v1/alerts' },
  { method: 'GET', path: '/v1/advice', handler: 'query', access: 'token', cost: 'scan', usage: '/v1/advice[?from=&to=&app=]' },
  {
    method: 'GET',
    path: '/v1/slow-vitals',
    handler: 'query',
    access: 'token',
    cost: 'scan',
    usage: '/v1/slow-vitals?page=<route>[&app=<app>][&from=&to=][&<dimension>=<value>]',
  },
  { method: 'GET', path: '/v1/anomalies', handler: 'query', access: 'token', cost: 'lookup', usage: '/v1/anomalies[?metric=]' },
  {
    method: 'GET',
    path: '/v1/forecasts',
    handler: 'query',
    access: 'token',
    cost: 'scan',
    usage: '/v1/forecasts?metric=web_vitals_lcp[&<dimension>=<value>][&horizon_hours=168]',
  },
] as const satisfies readonly ApiRoute[];

export type QueryRoutePath = Extract<(typeof API_ROUTES)[number], { handler: 'query' }>['path'];

export const routeOf = (path: string): ApiRoute | undefined => API_ROUTES.find((route) => route.path === path);

/** The routes one handler answers. */
export const routesOf = (handler: ApiRoute['handler']): readonly ApiRoute[] => API_ROUTES.filter((route) => route.handler === handler);

/** What GET /v1 answers: every route with how to call it. */
export function apiIndex(base: string): Record<string, string> {
  return Object.fromEntries(API_ROUTES.map((route) => [route.path.slice('/v1/'.length), `${route.method} ${base}${route.usage}`]));
}
