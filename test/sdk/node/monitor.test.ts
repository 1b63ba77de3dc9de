import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../../packages/node/src/monitor.ts';
import { startTestPipeline, totalCount, type TestPipeline } from '../../helpers/pipeline.ts';

let pipeline: TestPipeline;
beforeAll(async () => (pipeline = await startTestPipeline()));
afterAll(() => pipeline.close());

/** A real HTTP receiver that answers with the statuses it is given, in order, and keeps the bodies. */
async function receiver(statuses: number[]): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(statuses.shift() ?? 202).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/beacon`, bodies, server };
}

const monitors: Monitor[] = [];
afterEach(async () => {
  for (const m of monitors.splice(0)) await m.shutdown();
});

describe('server SDK monitor', () => {
  it('delivers metrics to the beacon endpoint in accepted beacons', async () => {
    const monitor = createMonitor({ app: 'api', endpoint: pipeline.beaconUrl, service: 'orders' });
    monitors.push(monitor);
    for (let i = 0; i < 1200; i++) monitor.record({ name: 'custom_jobs_done', value: i, unit: 'count' });
    await monitor.flush();
    expect(totalCount(await pipeline.aggregates('custom_jobs_done', { app: 'api' }))).toBe(1200);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    const target = await receiver([503, 429]);
    const monitor = createMonitor({ app: 'api', endpoint: target.url });
    monitors.push(monitor);
    monitor.record({ name: 'custom_x', value: 1, unit: 'count' });
    await monitor.flush();
    expect(target.bodies).toHaveLength(3);
    expect(new Set(target.bodies).size).toBe(1);
    target.server.close();
  });

  it('never throws into the host: refusals and unreachable endpoints go to onError', async () => {
    const errors: string[] = [];
    const target = await receiver([400]);
    const refused = createMonitor({ app: 'api', endpoint: target.url, onError: (e) => errors.push(e.message) });
    const unreachable = createMonitor({ app: 'api', endpoint: 'http://127.0.0.1:9/v1/beacon', maxRetries: 1, onError: (e) => errors.push(e.message) });
    monitors.push(refused, unreachable);
    refused.record({ name: 'custom_x', value: 1, unit: 'count' });
    unreachable.record({ name: 'custom_x', value: 1, unit: 'count' });
    await expect(refused.flush()).resolves.toBeUndefined();
    await expect(unreachable.flush()).resolves.toBeUndefined();
    expect(errors[0]).toMatch(/refused with HTTP 400/);
    expect(errors[1]).toBeDefined();
    target.server.close();
  });

  it('bounds its buffer, drops the oldest, and reports how many it dropped', async () => {
    const target = await receiver([]);
    const monitor = createMonitor({ app: 'api', endpoint: target.url, maxBuffer: 100 });
    monitors.push(monitor);
    for (let i = 0; i < 250; i++) monitor.record({ name: 'custom_seq', value: i, unit: 'count' });
    await monitor.flush();
    const metrics = target.bodies.flatMap((b) => (JSON.parse(b) as { metrics: { name: string; value: number }[] }).metrics);
    const kept = metrics.filter((m) => m.name === 'custom_seq').map((m) => m.value);
    // The newest are kept, the oldest dropped in chunks of a tenth of the buffer, and every drop is counted.
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBeGreaterThanOrEqual(90); // a tenth at most goes at a time: most of the buffer is kept
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 250 - kept.length + i));
    expect(monitor.dropped).toBe(250 - kept.length);
    expect(metrics.find((m) => m.name === 'sdk_dropped_metrics')?.value).toBe(monitor.dropped);
    target.server.close();
  });

  it('never keeps a process alive: a script that only creates a monitor exits, flushing on the way out', async () => {
    const target = await receiver([]);
    const script = `
      const { createMonitor } = await import(${JSON.stringify(new URL('../../../packages/node/src/index.ts', import.meta.url).pathname)});
      const { startProcessMetrics } = await import(${JSON.stringify(new URL('../../../packages/node/src/process-metrics.ts', import.meta.url).pathname)});
      const monitor = createMonitor({ app: 'cli', endpoint: ${JSON.stringify(target.url)} });
      startProcessMetrics(monitor, 1000);
      monitor.record({ name: 'custom_ran', value: 1, unit: 'count' });`;
    const started = Date.now();
    const result = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
      child.on('exit', resolve);
    });
    expect(result).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(target.bodies.join('')).toContain('custom_ran');
    target.server.close();
  });
});

describe('server SDK: what did not arrive', () => {
  it('reports the metrics the endpoint refused inside a 202, and counts them as undelivered', async () => {
    const errors: string[] = [];
    const monitor = createMonitor({ app: 'api', endpoint: pipeline.beaconUrl, onError: (e) => errors.push(e.message) });
    monitor.record({ name: 'custom_fine', value: 1, unit: 'count' });
    monitor.record({ name: 'custom_too_big', value: 1e300, unit: 'count' });
    const report = await monitor.shutdown();
    expect(errors.join(' ')).toMatch(/the endpoint refused 1 metric of a beacon: #\d+ value 1e\+300 is above custom_too_big's maximum/);
    expect(report).toMatchObject({ delivered: false, undelivered: 1 });
    expect(totalCount(await pipeline.aggregates('custom_fine', { app: 'api' }))).toBeGreaterThanOrEqual(1);
  });

  it('splits beacons by UTF-8 bytes, as the server counts them', async () => {
    const { toBodies } = await import('../../../packages/node/src/monitor.ts');
    const metrics = Array.from({ length: 600 }, (_, i) => ({ name: 'custom_cyrillic', value: i, unit: 'count' as const, tags: { note: 'ж'.repeat(90) } }));
    const { bodies, tooBig } = toBodies('api', {}, metrics);
    expect(tooBig).toBe(0);
    expect(bodies.length).toBeGreaterThan(1);
    for (const { body } of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(60_000);
    expect(bodies.reduce((n, b) => n + b.occurrences, 0)).toBe(600);
  });

  it('drops and counts a metric too big for any beacon instead of sending it again every flush', async () => {
    const target = await receiver([]);
    const errors: string[] = [];
    const monitor = createMonitor({ app: 'api', endpoint: target.url, onError: (e) => errors.push(e.message) });
    monitor.record({ name: 'custom_huge', value: 1, unit: 'count', tags: { note: 'x'.repeat(70_000) } });
    await monitor.flush();
    await monitor.flush();
    expect(target.bodies.join('')).not.toContain('custom_huge');
    expect(errors[0]).toMatch(/1 metric was dropped: each alone is over the 60000-byte beacon limit/);
    expect(monitor.dropped).toBe(1);
    await monitor.shutdown();
    target.server.close();
  });
});
