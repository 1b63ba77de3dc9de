import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
// Imported rather than the global: Node defines the global `performance` as a replaceable getter
// that runs a brand check on every read, which showed in a request's CPU profile.
import { performance } from 'node:perf_hooks';
import { contentLength, type RequestRecorder, UNMATCHED_ROUTE } from './request-recorder.ts';
import { endpointDescription, serverTimingEntries, serverTraceparent } from './trace-context.ts';

/**
 * What an instrumented app (an Express app, a Fastify instance) tells the process-wide response
 * observer: where its requests are recorded, what its answers carry, and how to read the route a
 * request matched once the framework has routed it.
 */
export interface ObservedApp {
  recorder: RequestRecorder;
  serverTiming: boolean;
  traceContext: boolean;
  timingAllowOrigin: string | undefined;
  /** The route template the request matched, or undefined when none did (or the framework notes it itself). */
  routeOf(request: IncomingMessage): string | undefined;
}

/**
 * One answer in progress: what the instrumentation learns of it at its start, while the request
 * still has Node's own hidden class, and at writeHead. Express swaps the prototypes of every
 * request and response, which gives each one a hidden class of its own, so every property read
 * from them misses V8's inline caches and a property added to one makes V8 migrate the object
 * (thousands of instructions a request, measured with callgrind); this record keeps one shape.
 */
interface Answer {
  readonly app: ObservedApp;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly startedAt: number;
  readonly method: string;
  readonly traceparent: string | undefined;
  route: string | undefined;
  status: number;
  /** The answer's Content-Length, read at writeHead (Fastify hands its headers to writeHead, where getHeader cannot see them later). */
  responseBytes: number | undefined;
}

/**
 * The answer in progress on a connection is noted on its socket: sockets keep one hidden class,
 * so this stays a plain store and load. A pipelined request arriving while the socket's answer is
 * still in progress goes to a WeakMap by its response instead.
 */
const kAnswer = Symbol('vitalstream.answer');
export interface NotedSocket extends Socket {
  [kAnswer]?: Answer | undefined;
}
const pipelined = new WeakMap<ServerResponse, Answer>();
/** Apps observed now: the channel subscription and the writeHead patch live while any is. */
let observedApps = 0;

/** The incoming `traceparent`, read from the raw headers: asking for `headers` would build the whole object. */
function incomingTraceparent(request: IncomingMessage): string | undefined {
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 11 && raw[i]!.toLowerCase() === 'traceparent') return raw[i + 1];
  return undefined;
}

/**
 * Notes that `app` answers this request from now on, called while the request still has Node's
 * hidden class; a response already noted (a sub-app) keeps its outer app.
 */
export function noteStart(app: ObservedApp, request: IncomingMessage, response: ServerResponse, socket: NotedSocket | null): void {
  const current = socket?.[kAnswer];
  if (current?.response === response || pipelined.has(response)) return;
  const answer: Answer = {
    app,
    request,
    response,
    startedAt: performance.now(),
    method: request.method ?? 'GET',
    traceparent: app.serverTiming && app.traceContext ? serverTraceparent(incomingTraceparent(request)) : undefined,
    route: undefined,
    status: 0,
    responseBytes: undefined,
  };
  if (socket && current === undefined) socket[kAnswer] = answer;
  else pipelined.set(response, answer);
}

const answerOf = (response: ServerResponse, socket: NotedSocket | null): Answer | undefined => {
  const answer = socket?.[kAnswer];
  return answer?.response === response ? answer : pipelined.get(response);
};

/** Notes the route a framework matched, for apps whose request objects carry no route of their own. */
export function noteRoute(response: ServerResponse, route: string): void {
  const answer = answerOf(response, response.socket as NotedSocket | null);
  if (answer) answer.route = route;
}

const routeOf = (answer: Answer): string | undefined => answer.route ?? answer.app.routeOf(answer.request);

/**
 * Node publishes every finished HTTP/1 response here; only responses an observed app saw are
 * recorded. One subscriber for the process, so a request costs no listener of its own.
 */
function onResponseFinish(message: unknown): void {
  const { response, socket } = message as { response: ServerResponse; socket: NotedSocket | null };
  let answer = socket?.[kAnswer];
  if (answer?.response === response) socket![kAnswer] = undefined;
  else {
    answer = pipelined.get(response);
    if (answer === undefined) return;
    pipelined.delete(response);
  }
  try {
    const { method, request } = answer;
    answer.app.recorder.record({
      method,
      route: routeOf(answer) ?? UNMATCHED_ROUTE,
      status: answer.status || response.statusCode,
      durationMs: performance.now() - answer.startedAt,
      // GET and HEAD carry no body; reading their headers only costs time.
      requestBytes: method === 'GET' || method === 'HEAD' ? undefined : contentLength(request.headers['content-length']),
      responseBytes: answer.responseBytes,
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
// Named parameters rather than a rest array: writeHead runs for every answer, and Node reads a
// missing reason and a missing headers object the same as undefined ones.
function writeHeadWithTiming(this: ServerResponse, statusCode: number, reason?: unknown, headers?: unknown) {
  try {
    addAnswerHeaders(this, statusCode, (typeof reason === 'object' && reason !== null ? reason : headers) as object | undefined);
  } catch {
    // Instrumentation never breaks a response (headers already sent included: Node says so next).
  }
  return (originalWriteHead as (this: ServerResponse, s: number, r?: unknown, h?: unknown) => ServerResponse).call(this, statusCode, reason, headers);
}

function addAnswerHeaders(response: ServerResponse, statusCode: number, headers: object | undefined): void {
  const answer = answerOf(response, response.socket as NotedSocket | null);
  if (!answer) return;
  answer.status = statusCode;
  // An array of raw header pairs is left alone: setHeader still applies beside it.
  const given = Array.isArray(headers) ? undefined : (headers as Record<string, unknown> | undefined);
  const givenLength = given === undefined ? undefined : given[givenKey(given, 'content-length')];
  answer.responseBytes = contentLength((givenLength ?? response.getHeader('content-length')) as string | number | undefined);
  const { app } = answer;
  if (!app.serverTiming && app.timingAllowOrigin === undefined) return;
  if (app.timingAllowOrigin !== undefined) addHeader(response, given, 'timing-allow-origin', app.timingAllowOrigin, false);
  if (!app.serverTiming) return;
  // The route is known by now (the handler is answering), and kept for the finish.
  const route = (answer.route = routeOf(answer));
  const description = route === undefined ? '' : endpointDescription(answer.method, route);
  addHeader(response, given, 'server-timing', serverTimingEntries(performance.now() - answer.startedAt, description, answer.traceparent), true);
}

/**
 * The key under which a header was handed to writeHead, whatever its case (`Content-Length` from an
 * app's own writeHead call), or the lower-case name when it was not. Only a miss under the
 * lower-case name costs a walk over the given names, and only names of the same length are compared.
 */
function givenKey(given: Record<string, unknown>, name: string): string {
  if (given[name] !== undefined) return name;
  for (const key in given) if (key.length === name.length && key.toLowerCase() === name) return key;
  return name;
}

/**
 * Adds a header to an answer about to be written. Headers handed to writeHead itself (Fastify
 * hands all of them) win over setHeader's, and a setHeader before such a writeHead sends Node
 * down its slow path (every given header set and validated one by one: a fifth of a hello-world
 * Fastify app's throughput), so they are joined there. An app's own value comes first (a list
 * header) or stays (any other), under whatever case the app named it.
 */
function addHeader(response: ServerResponse, given: Record<string, unknown> | undefined, name: string, value: string, list: boolean): void {
  // One call into the response instead of a getHeader and a setHeader: on Express's responses, whose
  // hidden classes are their own, every call reaches its properties through V8's slow lookups.
  if (given === undefined && list) {
    response.appendHeader(name, value);
    return;
  }
  const key = given === undefined ? name : givenKey(given, name);
  const existing = given?.[key] ?? response.getHeader(name);
  if (existing !== undefined && !list) return;
  const joined = existing === undefined ? value : `${String(existing)}, ${value}`;
  if (given) given[key] = joined;
  else response.setHeader(name, joined);
}

const RESPONSE_FINISH = 'http.server.response.finish';

/**
 * Starts observing responses for one more app (each answer carries its app in its record, so the
 * observer itself is shared); returns a function that stops it for that app.
 */
export function observeResponses(): () => void {
  if (++observedApps === 1) {
    subscribe(RESPONSE_FINISH, onResponseFinish);
    ServerResponse.prototype.writeHead = writeHeadWithTiming as typeof originalWriteHead;
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (--observedApps === 0) {
      unsubscribe(RESPONSE_FINISH, onResponseFinish);
      ServerResponse.prototype.writeHead = originalWriteHead;
    }
  };
}
