import express from 'express';
import type { AddressInfo } from 'node:net';
import { vitalstreamExpress } from '../sdk/node/express.ts';
import { createMonitor } from '../sdk/node/monitor.ts';

/**
 * bench/hello-server.ts <mode> <beacon url>: a hello-world Express app for the overhead benchmark.
 * plain: no middleware. instrumented: the vitalstream middleware with default settings.
 * The rest take the middleware apart, to account for its cost: layer (an empty middleware),
 * listener (an empty middleware that times the response with a 'finish' listener, as ours does),
 * unsent (the full middleware, but beacons are built and never sent).
 */
export type HelloMode = 'plain' | 'layer' | 'listener' | 'unsent' | 'instrumented';
const [mode, beaconUrl] = process.argv.slice(2) as [HelloMode, string];
const app = express();
let lastDuration = 0;
if (mode === 'instrumented') app.use(vitalstreamExpress(createMonitor({ app: 'bench-hello', endpoint: beaconUrl })));
if (mode === 'unsent') app.use(vitalstreamExpress(createMonitor({ app: 'bench-hello', transport: async () => 202 })));
if (mode === 'layer') app.use((_request, _response, next) => next());
if (mode === 'listener') {
  app.use((_request, response, next) => {
    const startedAt = performance.now();
    response.on('finish', () => void (lastDuration = performance.now() - startedAt));
    next();
  });
}
app.get('/hello/:name', (req, res) => void res.send(`hello ${req.params.name}`));
// CPU time the process has used (µs), read by the benchmark before and after each run.
app.get('/__cpu', (_req, res) => void res.json({ ...process.cpuUsage(), lastDuration }));
const server = app.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
