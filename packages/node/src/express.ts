import type { Application } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type NotedSocket, noteStart, type ObservedApp, observeResponses } from './http-responses.ts';
import type { Monitor } from './monitor.ts';
import { RequestRecorder, type RequestMetricOptions } from './request-recorder.ts';

type Handle = (this: unknown, request: IncomingMessage, response: ServerResponse, next?: unknown) => unknown;

interface ExpressRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

/** The full template of the route a request matched, with its routers' and mounted apps' prefixes. */
function expressRoute(request: ExpressRequest): string | undefined {
  const template = request.route?.path;
  if (template === undefined) return undefined;
  return request.baseUrl ? `${request.baseUrl}${String(template)}` : String(template);
}

/**
 * Express instrumentation: `vitalstreamExpress(app, monitor)` once, before `listen`. It returns a
 * function that takes the instrumentation off again.
 *
 * Not a middleware on purpose. An empty middleware layer and a 'finish' listener per response cost
 * a hello-world app about 4 % of its throughput (`npm run bench:overhead`); instead the app's
 * entry point notes the response's start and Node's `http.server.response.finish` diagnostics
 * channel reports the end. The route template is read from `req.route` when the response is done,
 * as a middleware would, so routers and mounted sub-apps are measured by their full template. A
 * response passed through two instrumented Express apps is counted once, by the outer.
 */
export function vitalstreamExpress(app: Application, monitor: Monitor, options: RequestMetricOptions = {}): () => void {
  // Every request of an Express app (4 or 5) enters through `app.handle`, which its types keep private.
  const entry = app as unknown as { handle: Handle };
  const handle = entry.handle;
  if (typeof handle !== 'function') throw new TypeError('vitalstreamExpress needs an Express application (the value of express())');
  const thisApp: ObservedApp = {
    recorder: new RequestRecorder(monitor, options),
    serverTiming: options.serverTiming ?? true,
    traceContext: options.traceContext ?? true,
    timingAllowOrigin: options.timingAllowOrigin,
    routeOf: expressRoute,
  };
  entry.handle = function timedHandle(this: unknown, request, response, next) {
    // Noted before Express swaps the request's prototype, while its hidden class is still Node's.
    noteStart(thisApp, request, response, request.socket as NotedSocket | null);
    return handle.call(this, request, response, next);
  };
  const stopObserving = observeResponses();
  return () => {
    entry.handle = handle;
    stopObserving();
  };
}
