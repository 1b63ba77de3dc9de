import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { contentLength, type RequestRecorder, UNMATCHED_ROUTE } from './request-recorder.ts';
import { serverTimingEntries, serverTraceparent } from './trace-context.ts';

/**
 * What an instrumented app (an Express app, a Fastify instance) tells the process-wide response
 * observer: where its requests are recorded, what its answers carry, and how to read the route a
 * request matched once the framework has routed it.
 */
export interface ObservedApp {
  recorder: RequestRecorder;
  /** Start times of responses that could not be noted on their socket (pipelined requests). */
  startedAt: WeakMap<ServerResponse, number>;
  serverTiming: boolean;
  traceContext: boolean;
  timingAllowOrigin: string | undefined;
  /** The route template the request matched, or undefined when none did. */
  routeOf(request: IncomingMessage, response: ServerResponse): string | undefined;
}

/**
 * The response in progress on a connection, noted on its socket: sockets keep one hidden class, so
 * these stay plain stores and loads, where a property added to a framework's request or response
 * makes V8 migrate the object (Express swaps their prototypes, so each has a hidden class of its
 * own: thousands of instructions a request, measured with callgrind). A pipelined request arriving
 * while the socket's response is still in progress goes to its app's WeakMap instead.
 */
const kResponse = Symbol('vitalstream.response');
const kStartedAt = Symbol('vitalstream.startedAt');
const kApp = Symbol('vitalstream.app');
const kRoute = Symbol('vitalstream.route');
export interface NotedSocket extends Socket {
  [kResponse]?: ServerResponse;
  [kStartedAt]?: number;
  [kApp]?: ObservedApp;
  [kRoute]?: string;
}
/** Routes noted for responses that are not their socket's noted one. */
const routes = new WeakMap<ServerResponse, string>();

const observed: ObservedApp[] = [];

/** Notes that `app` answers this response from now on; a response already noted (a sub-app) keeps its outer app. */
export function noteStart(app: ObservedApp, response: ServerResponse, socket: NotedSocket | null): void {
  if (socket && socket[kResponse] === undefined) {
    socket[kResponse] = response;
    socket[kStartedAt] = performance.now();
    socket[kApp] = app;
    socket[kRoute] = undefined;
  } else if (socket?.[kResponse] !== response && !observed.some((other) => other.startedAt.has(response))) {
    app.startedAt.set(response, performance.now());
  }
}

/** Notes the route a framework matched, for apps whose request objects carry no route of their own. */
export function noteRoute(response: ServerResponse, route: string): void {
  const socket = response.socket as NotedSocket | null;
  if (socket && socket[kResponse] === response) socket[kRoute] = route;
  else routes.set(response, route);
}

/** The route noted for this response, if any. */
export function notedRoute(response: ServerResponse): string | undefined {
  const socket = response.socket as NotedSocket | null;
  return socket && socket[kResponse] === response ? socket[kRoute] : routes.get(response);
}

/** When an observed app's response started, and which app it is, or undefined for a response no app saw. */
function startOf(response: ServerResponse, socket: NotedSocket | null): { app: ObservedApp; startedAt: number } | undefined {
  if (socket && socket[kResponse] === response && socket[kApp] && socket[kStartedAt] !== undefined) return { app: socket[kApp], startedAt: socket[kStartedAt] };
  for (const app of observed) {
    const startedAt = app.startedAt.get(response);
    if (startedAt !== undefined) return { app, startedAt };
  }
  return undefined;
}

const endpointOf = (app: ObservedApp, request: IncomingMessage, response: ServerResponse) => {
  const route = app.routeOf(request, response);
  return route === undefined ? undefined : `${request.method ?? 'GET'} ${route}`;
};

/** The incoming `traceparent`, read from the raw headers: asking for `headers` would build the whole object. */
function incomingTraceparent(request: IncomingMessage): string | undefined {
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 11 && raw[i]!.toLowerCase() === 'traceparent') return raw[i + 1];
  return undefined;
}

/**
 * Node publishes every finished HTTP/1 response here; only responses an observed app saw are
 * recorded. One subscriber for the process, so a request costs no listener of its own.
 */
function onResponseFinish(message: unknown): void {
  const { request, response, socket } = message as { request: IncomingMessage; response: ServerResponse; socket: NotedSocket | null };
  let app: ObservedApp | undefined;
  let startedAt: number | undefined;
  let route: string | undefined;
  if (socket && socket[kResponse] === response) {
    app = socket[kApp];
    startedAt = socket[kStartedAt];
    route = app?.routeOf(request, response);
    socket[kResponse] = undefined;
  } else {
    for (const candidate of observed) {
      startedAt = candidate.startedAt.get(response);
      if (startedAt === undefined) continue;
      app = candidate;
      route = app.routeOf(request, response);
      candidate.startedAt.delete(response);
      break;
    }
  }
  if (app === undefined || startedAt === undefined) return;
  try {
    const method = request.method ?? 'GET';
    app.recorder.record({
      method,
      route: route ?? UNMATCHED_ROUTE,
      status: response.statusCode,
      durationMs: performance.now() - startedAt,
      // GET and HEAD carry no body; reading their headers only costs time.
      requestBytes: method === 'GET' || method === 'HEAD' ? undefined : contentLength(request.headers['content-length']),
      responseBytes: contentLength(response.getHeader('content-length')),
    });
  } catch {
    // Instrumentation never breaks a response.
  }
}

/**
 * Server-Timing (the server's time and the endpoint) and the answer's traceparent on responses of
 * apps that asked for them. Headers go out in writeHead, so it is patched once on the prototype (a
 * property on each response would cost every response a hidden-class migration), and restored when
 * the last app goes.
 */
const originalWriteHead = ServerResponse.prototype.writeHead;
function writeHeadWithTiming(this: ServerResponse, ...args: unknown[]) {
  if (!this.headersSent) {
    try {
      addAnswerHeaders(this, args);
    } catch {
      // Instrumentation never breaks a response.
    }
  }
  return (originalWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

function addAnswerHeaders(response: ServerResponse, args: unknown[]): void {
  const started = startOf(response, response.socket as NotedSocket | null);
  if (!started) return;
  const { app } = started;
  const request = response.req;
  if (!app.serverTiming && app.timingAllowOrigin === undefined) return;
  const entries = app.serverTiming
    ? serverTimingEntries(
        performance.now() - started.startedAt,
        request ? endpointOf(app, request, response) : undefined,
        app.traceContext && request ? serverTraceparent(incomingTraceparent(request)) : undefined,
      )
    : undefined;
  const given = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null && !Array.isArray(a)) as Record<string, unknown> | undefined;
  if (app.timingAllowOrigin !== undefined) addHeader(response, given, 'timing-allow-origin', app.timingAllowOrigin, false);
  if (entries !== undefined) addHeader(response, given, 'server-timing', entries, true);
}

/**
 * Adds a header to an answer about to be written. Headers handed to writeHead itself (Fastify
 * hands all of them) win over setHeader's, and a setHeader before such a writeHead sends Node
 * down its slow path (every given header set and validated one by one: a fifth of a hello-world
 * Fastify app's throughput), so they are joined there. An app's own value comes first (a list
 * header) or stays (any other).
 */
function addHeader(response: ServerResponse, given: Record<string, unknown> | undefined, name: string, value: string, list: boolean): void {
  const existing = given?.[name] ?? response.getHeader(name);
  if (existing !== undefined && !list) return;
  const joined = existing === undefined ? value : `${String(existing)}, ${value}`;
  if (given) given[name] = joined;
  else response.setHeader(name, joined);
}

const RESPONSE_FINISH = 'http.server.response.finish';

/** Starts observing `app`'s responses; returns a function that stops it. */
export function observeResponses(app: ObservedApp): () => void {
  if (observed.push(app) === 1) {
    subscribe(RESPONSE_FINISH, onResponseFinish);
    ServerResponse.prototype.writeHead = writeHeadWithTiming as typeof originalWriteHead;
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    observed.splice(observed.indexOf(app), 1);
    if (observed.length === 0) {
      unsubscribe(RESPONSE_FINISH, onResponseFinish);
      ServerResponse.prototype.writeHead = originalWriteHead;
    }
  };
}
