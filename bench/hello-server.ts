import express from 'express';
import { subscribe } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { vitalstreamExpress } from '../packages/node/src/express.ts';
import { createMonitor } from '../packages/node/src/monitor.ts';

/**
 * bench/hello-server.ts <mode> <beacon url>: a hello-world Express app for the overhead benchmark.
 * plain: not instrumented. instrumented: vitalstreamExpress with default settings.
 * The rest account for the cost by part:
 * layer, listener: what a middleware would cost (an empty middleware; the same timing the
 *   response with a 'finish' listener), which is why the instrumentation is not one;
 * timing: the instrumentation's own timing (the start noted on the socket at the app's entry
 *   point, and the finish channel),
 *   recording nothing;
 * unsent: the full instrumentation, but beacons are built and never sent.
 */
export type HelloMode = 'plain' | 'layer' | 'listener' | 'timing' | 'unsent' | 'instrumented';
const [mode, beaconUrl] = process.argv.slice(2) as [HelloMode, string];
const app = express();
let lastDuration = 0;
if (mode === 'instrumented') vitalstreamExpress(app, createMonitor({ app: 'bench-hello', endpoint: beaconUrl }));
if (mode === 'unsent') vitalstreamExpress(app, createMonitor({ app: 'bench-hello', transport: async () => 202 }));
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
let served = 0;
app.get('/hello/:name', (req, res) => {
  served += 1;
  res.send(`hello ${req.params.name}`);
});
// Requests served and CPU time used (µs), read by the benchmark at both ends of its window.
app.get('/__cpu', (_req, res) => void res.json({ ...process.cpuUsage(), served, lastDuration }));
const server = app.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
