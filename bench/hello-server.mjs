import express from 'express';
import Fastify from 'fastify';
import { subscribe } from 'node:diagnostics_channel';
import { ServerResponse } from 'node:http';
import pg from 'pg';
import { createMonitor } from '@vitalstream/node';
import { vitalstreamExpress } from '@vitalstream/node/express';
import { vitalstreamFastify } from '@vitalstream/node/fastify';
import { instrumentFetch } from '@vitalstream/node/fetch';
import { instrumentPg } from '@vitalstream/node/pg';

/**
 * bench/hello-server.mjs <app> <mode> <beacon url>: a hello-world app for the overhead benchmark.
 * Plain JavaScript on plain Node, with the SDK as built for npm (packages/node/dist), as a user
 * runs it: run through tsx, the SDK's TypeScript source gets esbuild's keepNames helper, which
 * renames every closure it creates at run time and made the pg path cost several times more.
 * Apps: express, fastify, and express-pg (each request runs one real PostgreSQL query).
 * Modes: plain (not instrumented) and instrumented (default settings: Server-Timing and trace
 * context on; express-pg also instruments pg and global fetch). For Express, the rest account for
 * the cost by part:
 * layer, listener: what a middleware would cost (an empty middleware; the same timing the
 *   response with a 'finish' listener), which is why the instrumentation is not one;
 * timing: the instrumentation's own timing (the start noted on the socket at the app's entry
 *   point, and the finish channel), recording nothing;
 * unsent: the full instrumentation, but beacons are built and never sent.
 * For Fastify, padded: the plain app answering with a constant header as long as the SDK's
 *   Server-Timing, to tell what the header's bytes cost from what building it costs; and plugin:
 *   the plain app with one plugin that does nothing, registered as the SDK's is (any real Fastify
 *   app registers some), to tell what registering a plugin costs from what the SDK's plugin does.
 * For Express and Fastify, the floor of the design, with nothing computed and nothing recorded:
 * channels: the plain app with empty subscribers on Node's request-start and response-finish
 *   channels (what hearing of every request's start and end costs);
 * floor: channels, plus writeHead patched on the prototype to add a constant header as long as
 *   the SDK's Server-Timing, the way the SDK adds its own.
 * For every app, busy: the plain app busy-waiting `busyMicros` (HELLO_OPTIONS, 1 by default) on
 *   every request, which tells what a known cost reads as in this benchmark.
 */
const [kind, mode, beaconUrl] = process.argv.slice(2);
/** A plugin that does nothing, registered the way the SDK's plugin is (applying to the app itself). */
const emptyPlugin = (_fastify, _options, done) => done();
emptyPlugin[Symbol.for('skip-override')] = true;
let served = 0;
let lastDuration = 0;
const monitor = () =>
  mode === 'unsent' ? createMonitor({ app: 'bench-hello', transport: async () => 202 }) : createMonitor({ app: 'bench-hello', endpoint: beaconUrl });
// Requests served and CPU time used (µs), read by the benchmark at both ends of its window.
const counters = () => ({ ...process.cpuUsage(), served, lastDuration });
// Instrumentation options for experiments on the parts' costs, e.g. HELLO_OPTIONS='{"serverTiming":false}'.
const options = JSON.parse(process.env.HELLO_OPTIONS ?? '{}');
/** Mode busy: the plain app spending a known time (`busyMicros`, 1 µs by default) on every request. */
const busyMicros = options.busyMicros ?? 1;
const busyWait = () => {
  const until = performance.now() + busyMicros / 1000;
  while (performance.now() < until);
};
const listening = (port) => console.log(`port ${port}`);
const padding = 'app;dur=0.3;desc="GET /hello/:name", traceparent;desc="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"';

if (mode === 'channels' || mode === 'floor') {
  subscribe('http.server.request.start', () => undefined);
  subscribe('http.server.response.finish', () => undefined);
}
if (mode === 'floor') {
  const writeHead = ServerResponse.prototype.writeHead;
  ServerResponse.prototype.writeHead = function paddedWriteHead(statusCode, reason, headers) {
    const given = typeof reason === 'object' && reason !== null ? reason : headers;
    if (given && !Array.isArray(given)) given['server-timing'] = padding;
    else this.setHeader('server-timing', padding);
    return writeHead.call(this, statusCode, reason, headers);
  };
}

if (kind === 'fastify') {
  const app = Fastify();
  if (mode === 'instrumented') await app.register(vitalstreamFastify(monitor(), options));
  if (mode === 'plugin') await app.register(emptyPlugin);
  app.get('/hello/:name', async (request, reply) => {
    served += 1;
    if (mode === 'busy') busyWait();
    if (mode === 'padded') reply.header('server-timing', padding);
    return `hello ${request.params.name}`;
  });
  app.get('/__cpu', async () => counters());
  await app.listen({ port: 0, host: '127.0.0.1' });
  listening(app.server.address().port);
} else {
  const app = express();
  const pool = kind === 'express-pg' ? new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'postgres', max: 8 }) : undefined;
  if (mode === 'instrumented' || mode === 'unsent') {
    const sdk = monitor();
    vitalstreamExpress(app, sdk, options);
    if (pool) {
      instrumentPg(sdk, pg);
      instrumentFetch(sdk);
    }
  }
  if (mode === 'layer') app.use((_request, _response, next) => next());
  if (mode === 'listener') {
    app.use((_request, response, next) => {
      const startedAt = performance.now();
      response.on('finish', () => void (lastDuration = performance.now() - startedAt));
      next();
    });
  }
  if (mode === 'timing') {
    const started = Symbol('startedAt');
    const handle = app.handle;
    app.handle = function timedHandle(request, response, next) {
      request.socket[started] = performance.now();
      return handle.call(this, request, response, next);
    };
    subscribe('http.server.response.finish', (message) => {
      lastDuration = performance.now() - message.socket[started];
    });
  }
  app.get('/hello/:name', async (req, res) => {
    served += 1;
    if (mode === 'busy') busyWait();
    if (!pool) return void res.send(`hello ${req.params.name}`);
    const { rows } = await pool.query('SELECT $1::text AS greeting, now() AS at', [`hello ${req.params.name}`]);
    res.send(String(rows[0].greeting));
  });
  app.get('/__cpu', (_req, res) => void res.json(counters()));
  const server = app.listen(0, '127.0.0.1', () => listening(server.address().port));
}
// Exit through process.exit so a --cpu-prof run writes its profile.
process.on('SIGTERM', () => process.exit(0));
