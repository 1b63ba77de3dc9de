import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type NotedSocket, noteRoute, noteStart, type ObservedApp, observeResponses } from './http-responses.ts';
import type { Monitor } from './monitor.ts';
import { RequestRecorder, type RequestMetricOptions } from './request-recorder.ts';

/** Node publishes every HTTP/1 request it starts to answer here. */
const REQUEST_START = 'http.server.request.start';

const appsByServer = new WeakMap<Server, ObservedApp>();
let instances = 0;

function onRequestStart(message: unknown): void {
  const { server, request, response, socket } = message as { server: Server; request: IncomingMessage; response: ServerResponse; socket: NotedSocket | null };
  const app = appsByServer.get(server);
  if (app) noteStart(app, request, response, socket);
}

type Handler = (this: unknown, request: unknown, reply: { raw: ServerResponse }) => unknown;
/**
 * Fastify plugin: `app.register(vitalstreamFastify(monitor))`, before the routes. No request hooks:
 * Fastify runs those for every request through its hook runner, and an onSend and an onResponse
 * hook cost a hello-world app about 12 % of its throughput. Node's request-start and
 * response-finish diagnostics channels time every request of the instance's server instead, and
 * the route is named by the route's own handler, which the `onRoute` application hook wraps once
 * when the route is declared. Fastify also publishes its `fastify.request.handler` tracing
 * channel, which would name the route without a wrapper, but subscribing to it makes Fastify
 * build and publish a context for every request, sync and async: 7 % of a hello-world app's
 * throughput by itself. Requests that match no route are grouped as `/(unmatched)`.
 */
export function vitalstreamFastify(monitor: Monitor, options: RequestMetricOptions = {}): FastifyPluginCallback {
  const thisApp: ObservedApp = {
    recorder: new RequestRecorder(monitor, options),
    serverTiming: options.serverTiming ?? true,
    traceContext: options.traceContext ?? true,
    timingAllowOrigin: options.timingAllowOrigin,
    // The route is noted by the route's handler (below): a request that reaches none matched none.
    routeOf: () => undefined,
  };
  const plugin: FastifyPluginCallback = (fastify: FastifyInstance, _opts, done) => {
    appsByServer.set(fastify.server, thisApp);
    if (++instances === 1) subscribe(REQUEST_START, onRequestStart);
    fastify.addHook('onRoute', (route) => {
      const handler = route.handler as unknown as Handler;
      const url = route.url;
      if (typeof handler !== 'function' || typeof url !== 'string') return;
      route.handler = function namedHandler(this: unknown, request: unknown, reply: { raw: ServerResponse }) {
        noteRoute(reply.raw, url);
        return handler.call(this, request, reply);
      } as unknown as typeof route.handler;
    });
    const stopObserving = observeResponses();
    fastify.addHook('onClose', (_instance, closed) => {
      appsByServer.delete(fastify.server);
      stopObserving();
      if (--instances === 0) unsubscribe(REQUEST_START, onRequestStart);
      closed();
    });
    done();
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
