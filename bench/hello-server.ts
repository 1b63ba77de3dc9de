import express from 'express';
import type { AddressInfo } from 'node:net';
import { vitalstreamExpress } from '../sdk/node/express.ts';
import { createMonitor } from '../sdk/node/monitor.ts';

// bench/hello-server.ts <plain|instrumented> <beacon url>: a hello-world Express app for the overhead benchmark.
const [mode, beaconUrl] = process.argv.slice(2);
const app = express();
if (mode === 'instrumented') app.use(vitalstreamExpress(createMonitor({ app: 'bench-hello', endpoint: beaconUrl!, flushIntervalMs: 1000 })));
app.get('/hello/:name', (req, res) => void res.send(`hello ${req.params.name}`));
// CPU time the process has used (µs), read by the benchmark before and after each run.
app.get('/__cpu', (_req, res) => void res.json(process.cpuUsage()));
const server = app.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
