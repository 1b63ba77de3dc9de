import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Application } from 'express';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Monitor } from './monitor.ts';
import { contentLength, RequestRecorder, UNMATCHED_ROUTE, type RequestMetricOptions } from './request-recorder.ts';

type Handle = (this: unknown, request: IncomingMessage, response: ServerResponse, next?: unknown) => unknown;

interface ExpressRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

/**
 * An instrumented app: its recorder, and when those of its responses started that could not be
 * noted on their socket. Nothing is put on Express's own objects: Express swaps the prototypes of
 * every request and response, which gives each one a hidden class of its own, and a property added
 * to one makes V8 migrate the object (thousands of instructions a request, measured with callgrind).
 */
interface Instrumented {
  recorder: RequestRecorder;
  startedAt: WeakMap<ServerResponse, number>;
  serverTiming: boolean;
}

/**
 * The response in progress on a connection, noted on its socket: sockets keep one hidden class, so
 * these stay plain stores and loads. A pipelined request arriving while the socket's response is
 * still in progress goes to its app's WeakMap instead.
 */
const kResponse = Symbol('vitalstream.response');
const kStartedAt = Symbol('vitalstream.startedAt');
const kApp = Symbol('vitalstream.app');
interface NotedSocket extends Socket {
  [kResponse]?: ServerResponse;
  [kStartedAt]?: number;
  [kApp]?: Instrumented;
}

const RESPONSE_FINISH = 'http.server.response.finish';
const instrumented: Instrumented[] = [];

/**
 * Node publishes every finished HTTP/1 response here; only responses an instrumented app saw are
 * recorded. One subscriber for the process, so a request costs no listener of its own.
 */
function onResponseFinish(message: unknown): void {
  const { request, response, socket } = message as { request: ExpressRequest; response: ServerResponse; socket: NotedSocket | null };
  let app: Instrumented | undefined;
  let startedAt: number | undefined;
  if (socket && socket[kResponse] === response) {
    app = socket[kApp];
    startedAt = socket[kStartedAt];
    socket[kResponse] = undefined;
  } else {
    for (const candidate of instrumented) {
      startedAt = candidate.startedAt.get(response);
      if (startedAt === undefined) continue;
      app = candidate;
      candidate.startedAt.delete(response);
      break;
    }
  }
  if (app === undefined || startedAt === undefined) return;
  try {
    const template = request.route?.path;
    const route = template === undefined ? UNMATCHED_ROUTE : request.baseUrl ? `${request.baseUrl}${String(template)}` : String(template);
    const method = request.method ?? 'GET';
    app.recorder.record({
      method,
      route,
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

/** When an instrumented app's response started, and which app it is, or undefined for a response no app saw. */
function startOf(response: ServerResponse): { app: Instrumented; startedAt: number } | undefined {
  const socket = response.socket as NotedSocket | null;
  if (socket && socket[kResponse] === response && socket[kApp] && socket[kStartedAt] !== undefined) return { app: socket[kApp], startedAt: socket[kStartedAt] };
  for (const app of instrumented) {
    const startedAt = app.startedAt.get(response);
    if (startedAt !== undefined) return { app, startedAt };
  }
  return undefined;
}

/**
 * `Server-Timing: app;dur=<ms>` on responses of apps that asked for it. Headers go out in
 * writeHead, so it is patched once on the prototype (a property on each response would cost
 * every response a hidden-class migration), and restored when the last app is uninstrumented.
 */
const originalWriteHead = ServerResponse.prototype.writeHead;
function writeHeadWithTiming(this: ServerResponse, ...args: unknown[]) {
  const started = startOf(this);
  if (started?.app.serverTiming && !this.headersSent) {
    const entry = `app;dur=${Math.round((performance.now() - started.startedAt) * 10) / 10}`;
    this.setHeader('server-timing', this.hasHeader('server-timing') ? `${String(this.getHeader('server-timing'))}, ${entry}` : entry);
  }
  return (originalWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

const seenBefore = (socket: NotedSocket | null, response: ServerResponse) =>
  socket?.[kResponse] === response || instrumented.some((app) => app.startedAt.has(response));

/**
 * Express instrumentation: `vitalstreamExpress(app, monitor)` once, before `listen`. It returns a
 * function that takes the instrumentation off again.
 *
 * Not a middleware on purpose. An empty middleware layer and a 'finish' listener per response cost
 * a hello-world app about 4 % of its throughput (`npm run bench:overhead`); instead the app's
 * entry point stamps the response with its start time and Node's `http.server.response.finish`
 * diagnostics channel reports the end. The route template is read from `req.route` when the
 * response is done, as a middleware would, so routers and mounted sub-apps are measured by their
 * full template. A response passed through two instrumented apps is counted once, by the outer.
 */
export function vitalstreamExpress(app: Application, monitor: Monitor, options: RequestMetricOptions = {}): () => void {
  // Every request of an Express app (4 or 5) enters through `app.handle`, which its types keep private.
  const entry = app as unknown as { handle: Handle };
  const handle = entry.handle;
  if (typeof handle !== 'function') throw new TypeError('vitalstreamExpress needs an Express application (the value of express())');
  const thisApp: Instrumented = { recorder: new RequestRecorder(monitor, options), startedAt: new WeakMap(), serverTiming: options.serverTiming ?? true };
  entry.handle = function timedHandle(this: unknown, request, response, next) {
    // Read before Express swaps the request's prototype, while its hidden class is still Node's.
    const socket = request.socket as NotedSocket | null;
    if (socket && socket[kResponse] === undefined) {
      socket[kResponse] = response;
      socket[kStartedAt] = performance.now();
      socket[kApp] = thisApp;
    } else if (!seenBefore(socket, response)) {
      thisApp.startedAt.set(response, performance.now());
    }
    return handle.call(this, request, response, next);
  };
  if (instrumented.push(thisApp) === 1) {
    subscribe(RESPONSE_FINISH, onResponseFinish);
    ServerResponse.prototype.writeHead = writeHeadWithTiming as typeof originalWriteHead;
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    entry.handle = handle;
    instrumented.splice(instrumented.indexOf(thisApp), 1);
    if (instrumented.length === 0) {
      unsubscribe(RESPONSE_FINISH, onResponseFinish);
      ServerResponse.prototype.writeHead = originalWriteHead;
    }
  };
}
