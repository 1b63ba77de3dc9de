import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricFold } from '../../../packages/node/src/fold.ts';
import { createMonitor } from '../../../packages/node/src/monitor.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

/** A receiver that answers every beacon with `status`, or never answers at all. */
async function endpoint(behaviour: { status: number } | 'silent'): Promise<string> {
  const server = createServer((request, response) => {
    sockets.push(request.socket);
    if (behaviour !== 'silent') request.resume().on('end', () => response.writeHead(behaviour.status).end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/beacon`;
}

const record50 = (monitor: ReturnType<typeof createMonitor>) => {
  for (let i = 0; i < 50; i++) monitor.record({ name: 'custom_jobs', value: i, unit: 'count' });
};

describe('server SDK shutdown under a bad endpoint', () => {
  for (const [name, target] of [
    ['down (connection refused)', async () => 'http://127.0.0.1:9/v1/beacon'],
    ['answering 500', () => endpoint({ status: 500 })],
    ['accepting and never answering', () => endpoint('silent')],
  ] as const) {
    it(`finishes by its deadline with the endpoint ${name}, and says what it dropped`, async () => {
      const errors: string[] = [];
      const monitor = createMonitor({ app: 'api', endpoint: await target(), shutdownTimeoutMs: 1500, onError: (e) => errors.push(e.message) });
      record50(monitor);
      const started = Date.now();
      const report = await monitor.shutdown();
      // The deadline is the feature under test: without it these took 35 s, 41 s and forever.
      expect(Date.now() - started).toBeLessThan(1500 + 2000);
      expect(report).toMatchObject({ delivered: false, undelivered: 50 });
      expect(errors.at(-1)).toMatch(/50 metrics were not delivered/);
    });
  }

  it('reports a clean shutdown as delivered', async () => {
    const monitor = createMonitor({ app: 'api', endpoint: await endpoint({ status: 202 }) });
    record50(monitor);
    expect(await monitor.shutdown()).toEqual({ delivered: true, undelivered: 0, timedOut: false });
  });
});

/** Runs an app that never calls shutdown(); resolves with what it printed and how long it took to exit. */
async function exitNaturally(target: string, deadlineMs: number): Promise<{ output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `${import.meta.dirname}/fixtures/exit-without-shutdown.ts`, target, String(deadlineMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await new Promise((resolve) => child.on('exit', resolve));
  return { output, ms: Date.now() - started };
}

describe('server SDK at natural exit, without shutdown()', () => {
  it('reports what a failing endpoint never accepted instead of dropping it silently', async () => {
    const { output } = await exitNaturally(await endpoint({ status: 500 }), 1500);
    expect(output).toMatch(/onError: .*50 metrics were not delivered/);
  });

  it('exits by the shutdown deadline when the endpoint never answers, and says what was lost', async () => {
    const { output, ms } = await exitNaturally(await endpoint('silent'), 1000);
    expect(output).toMatch(/onError: shutdown deadline of 1000 ms passed: 50 metrics were not delivered/);
    // Process start-up (tsx) plus the deadline: the send's own 10 s timeout no longer holds the exit.
    expect(ms).toBeLessThan(8_000);
  });
});

describe('server SDK memory while a flush is stuck', () => {
  it('keeps the fold index within the buffer bound over a million distinct series', () => {
    const fold = new MetricFold();
    const maxBuffer = 10_000;
    for (let i = 0; i < 1_000_000; i++) {
      fold.add({ name: 'api_request', value: 12, unit: 'ms', tags: { endpoint: `/e/${i}` } }, 1_764_000_000_000);
      if (fold.size > maxBuffer) fold.dropOldest(fold.size - maxBuffer + maxBuffer / 10);
    }
    expect(fold.size).toBeLessThanOrEqual(maxBuffer);
    expect(fold.indexSize).toBeLessThanOrEqual(maxBuffer);
  });

  it('keeps the heap bounded by the buffer limit when the endpoint never answers', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const monitor = createMonitor({ app: 'api', endpoint: await endpoint('silent'), maxBuffer: 10_000, shutdownTimeoutMs: 500 });
    monitor.record({ name: 'api_request', value: 1, unit: 'ms', tags: { endpoint: '/warm' } });
    void monitor.flush(); // stuck from here on: the endpoint never answers
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) monitor.record({ name: 'api_request', value: 5 + (i % 7), unit: 'ms', tags: { endpoint: `/e/${i}` } });
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // A million distinct series kept about 500 MB of empty index maps before the prune.
    expect(grown).toBeLessThan(60 * 1024 * 1024);
    expect(monitor.dropped).toBeGreaterThan(980_000);
    await monitor.shutdown();
  });
});
