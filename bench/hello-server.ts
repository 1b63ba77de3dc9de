import express from 'express';
import Fastify from 'fastify';
import { subscribe } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { instrumentFetch } from '../packages/node/src/external-api.ts';
import { instrumentPg } from '../packages/node/src/db/pg.ts';
import { vitalstreamExpress } from '../packages/node/src/express.ts';
import { vitalstreamFastify } from '../packages/node/src/fastify.ts';
import { createMonitor } from '../packages/node/src/monitor.ts';

/**
 * bench/hello-server.ts <app> <mode> <beacon url>: a hello-world app for the overhead benchmark.
 * Apps: express, fastify, and express-pg (each request runs one real PostgreSQL query).
 * Modes: plain (not instrumented) and instrumented (default settings: Server-Timing and trace
 * context on; express-pg also instruments pg and global fetch). For Express, the rest account for
 * the cost by part:
 * layer, listener: what a middleware would cost (an empty middleware; the same timing the
 *   response with a 'finish' listener), which is why the instrumentation is not one;
 * timing: the instrumentation's own timing (the start noted on the socket at the app's entry
 *   point, and the finish channel), recording nothing;
 * unsent: the full instrumentation, but beacons are built and never sent.
 */
export type HelloApp = 'express' | 'fastify' | 'express-pg';
export type HelloMode = 'plain' | 'layer' | 'listener' | 'timing' | 'unsent' | 'instrumented';
const [kind, mode, beaconUrl] = process.argv.slice(2) as [HelloApp, HelloMode, string];
let served = 0;
let lastDuration = 0;
const monitor = () =>
  mode === 'unsent' ? createMonitor({ app: 'bench-hello', transport: async () => 202 }) : createMonitor({ app: 'bench-hello', endpoint: beaconUrl });
// Requests served and CPU time used (µs), read by the benchmark at both ends of its window.
const counters = () => ({ ...process.cpuUsage(), served, lastDuration });
// Instrumentation options for experiments on the parts' costs, e.g. HELLO_OPTIONS='{"serverTiming":false}'.
const options = JSON.parse(process.env.HELLO_OPTIONS ?? '{}') as Record<string, unknown>;
const listening = (port: number) => console.log(`port ${port}`);

if (kind === 'fastify') {
  const app = Fastify();
  if (mode === 'instrumented') await app.register(vitalstreamFastify(monitor(), options));
  app.get<{ Params: { name: string } }>('/hello/:name', async (request) => {
    served += 1;
    return `hello ${request.params.name}`;
  });
  app.get('/__cpu', async () => counters());
  await app.listen({ port: 0, host: '127.0.0.1' });
  listening((app.server.address() as AddressInfo).port);
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
    type Noted = { [started]?: number };
    const handle = (app as unknown as { handle: (...args: unknown[]) => unknown }).handle;
    (app as unknown as { handle: unknown }).handle = function timedHandle(this: unknown, request: { socket: Noted }, response: unknown, next: unknown) {
      request.socket[started] = performance.now();
      return handle.call(this, request, response, next);
    };
    subscribe('http.server.response.finish', (message) => {
      lastDuration = performance.now() - (message as { socket: Noted }).socket[started]!;
    });
  }
  app.get('/hello/:name', async (req, res) => {
    served += 1;
    if (!pool) return void res.send(`hello ${req.params.name}`);
    const { rows } = await pool.query('SELECT $1::text AS greeting, now() AS at', [`hello ${req.params.name}`]);
    res.send(String(rows[0].greeting));
  });
  app.get('/__cpu', (_req, res) => void res.json(counters()));
  const server = app.listen(0, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
}
// Exit through process.exit so a --cpu-prof run writes its profile.
process.on('SIGTERM', () => process.exit(0));
