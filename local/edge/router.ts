import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiIndex, routeOf } from '../../src/api/routes.ts';
import { type AcceptBeaconDependencies, acceptBeacon } from '../../src/app/accept-beacon.ts';
import { MAX_BEACON_BYTES } from '../../src/beacon/parse-body.ts';
import { corsFor } from './cors.ts';
import { headerValue, parseRequestTarget, queryParameters, readBoundedBody, writeJson } from './http-adapter.ts';
import type { QueryPool } from './query-pool.ts';
import { staticFile } from './static-files.ts';

/** No route takes a body larger than a beacon's; reading stops there. */
const MAX_BODY_BYTES = MAX_BEACON_BYTES;

export interface RouterDependencies {
  beacons: AcceptBeaconDependencies;
  /** Two lines of query workers: range scans, and lookups that must not wait behind them. */
  queries: Record<'scan' | 'lookup', QueryPool>;
  allowedOrigins: readonly string[];
  /** `/healthz`'s answer, computed per request. */
  health: () => { healthy: boolean; body: unknown };
  bodyTimeoutMs: number;
  /** The server's own base URL, for the API index. */
  baseUrl: () => string;
}

/** What only the local runner serves, besides the API's routes. */
const LOCAL_ENDPOINTS = (base: string) => ({
  health: `GET ${base}/healthz`,
  demo: `${base}/demo`,
  browserSdk: `${base}/sdk/vitalstream.min.js`,
});

/**
 * The local server's routes: `/healthz`, the API index, the dashboard's and demo's files, then the
 * API itself, behind CORS, a bounded body read, and the same use cases the AWS handlers call.
 */
export function createRouter(deps: RouterDependencies) {
  const cors = { ingest: corsFor(deps.allowedOrigins, 'POST,OPTIONS'), query: corsFor(deps.allowedOrigins, 'GET,OPTIONS') };
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const url = parseRequestTarget(request.url);
    if (!url)
      return writeJson(
        response,
        400,
        { error: 'bad_request_target', message: 'the request target is not a path this server serves (expected /v1/...)' },
        { connection: 'close' },
      );
    if (url.pathname === '/healthz') {
      const { healthy, body } = deps.health();
      return writeJson(response, healthy ? 200 : 503, body);
    }
    if (url.pathname === '/v1' && method === 'GET')
      return writeJson(response, 200, { name: 'vitalstream', endpoints: { ...apiIndex(deps.baseUrl()), ...LOCAL_ENDPOINTS(deps.baseUrl()) } });
    const file = method === 'GET' ? await staticFile(url.pathname) : undefined;
    // Server-Timing says what the server spent (here: reading the file), for the browser SDK's server_timing.
    if (file?.status === 200) {
      const timing = `${file.type.startsWith('text/html') ? 'page' : 'file'};dur=${file.readMs.toFixed(2)}`;
      return void response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', 'server-timing': timing }).end(file.body);
    }
    if (file) return writeJson(response, 404, { error: 'not_built', message: file.message });
    const route = routeOf(url.pathname);
    if (!route) return writeJson(response, 404, { error: 'not_found', message: `no route ${url.pathname.slice(0, 200)}; see GET /v1 for the API` });
    if (method !== route.method && method !== 'OPTIONS') {
      return writeJson(
        response,
        405,
        { error: 'method_not_allowed', message: `${method.slice(0, 32)} is not allowed on ${url.pathname}` },
        { allow: `${route.method}, OPTIONS` },
      );
    }
    const body = await readBoundedBody(request, MAX_BODY_BYTES, deps.bodyTimeoutMs);
    if (!body.ok) {
      if (body.reason === 'aborted') return void request.destroy();
      if (body.reason === 'too_slow') {
        response.once('finish', () => request.destroy());
        return writeJson(
          response,
          408,
          { error: 'body_too_slow', message: `the request body did not arrive within ${deps.bodyTimeoutMs / 1000} s of its headers; send it at once` },
          { connection: 'close' },
        );
      }
      // Answer, then drop the connection instead of reading the rest of a body nobody wants.
      response.once('finish', () => request.destroy());
      return writeJson(
        response,
        413,
        { error: 'payload_too_large', message: `body is over ${MAX_BODY_BYTES} bytes (64 KiB): split the batch` },
        { connection: 'close' },
      );
    }
    if (cors[route.handler](request, response) === 'answered') return;
    if (route.handler === 'ingest') {
      const beacon = { body: body.body, contentType: headerValue(request, 'content-type'), userAgent: headerValue(request, 'user-agent') };
      const { status, body: answer, headers } = await acceptBeacon(deps.beacons, beacon);
      return writeJson(response, status, answer, headers);
    }
    const {
      status,
      body: answer,
      headers,
    } = await deps.queries[route.cost ?? 'scan'].handle({ path: url.pathname, query: queryParameters(url) }, request.socket.remoteAddress ?? 'unknown');
    return writeJson(response, status, answer, headers);
  };
}
