import axios from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circuitBreaker, type BreakerState } from '../../../packages/node/src/circuit-breaker.ts';
import { instrumentAxios } from '../../../packages/node/src/axios.ts';
import { instrumentFetch } from '../../../packages/node/src/fetch.ts';
import { createMonitor } from '../../../packages/node/src/monitor.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';

let pipeline: TestPipeline;
let upstream: string;
let upstreamHost: string;
const server = createServer((request, response) => {
  const delay = request.url?.startsWith('/v1/slow') ? 120 : 5;
  setTimeout(() => response.writeHead(request.url?.startsWith('/v1/fail') ? 502 : 200, { 'content-type': 'application/json' }).end('{}'), delay);
});
beforeAll(async () => {
  pipeline = await startTestPipeline();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  upstreamHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream = `http://${upstreamHost}`;
});
afterAll(async () => {
  server.close();
  await pipeline.close();
});

/** A port nothing listens on (port 9 would not do: fetch refuses it outright as a bad port). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

const groups = async (metric: string, app: string, groupBy: string, extra: Record<string, string> = {}) =>
  Object.fromEntries(
    (await pipeline.aggregates(metric, { app, group_by: groupBy, ...extra })).series.map((s) => [
      s.dimensions[groupBy],
      s.points.reduce((n, p) => n + p.count, 0),
    ]),
  );

describe('outgoing calls', () => {
  it('measures global fetch through undici diagnostics channels, with SLA compliance, and never its own beacons', async () => {
    const monitor = createMonitor({ app: 'fetch-app', endpoint: pipeline.beaconUrl });
    const stop = instrumentFetch(monitor, { services: { [upstreamHost]: 'stripe' }, slaTargets: { stripe: 100 } });
    await (await fetch(`${upstream}/v1/charges/ch_3NqLz2eZvKYlo2C1`)).text();
    await (await fetch(`${upstream}/v1/slow/customers/42`)).text();
    await (await fetch(`${upstream}/v1/fail`, { method: 'POST' })).text();
    await fetch(`http://127.0.0.1:${await closedPort()}/unreachable`).catch(() => undefined);
    await monitor.flush();
    stop();
    await monitor.shutdown();
    expect(await groups('external_api_call', 'fetch-app', 'endpoint', { service: 'stripe' })).toEqual({
      '/v1/charges/:id': 1,
      '/v1/slow/customers/:id': 1,
      '/v1/fail': 1,
    });
    expect(await groups('external_api_call', 'fetch-app', 'status_class', { service: 'stripe' })).toEqual({ '2xx': 2, '5xx': 1 });
    expect(await groups('external_api_call', 'fetch-app', 'error_type')).toEqual({ ECONNREFUSED: 1 });
    // One point for the whole run: the three calls may fall on both sides of a minute's boundary.
    const sla = await pipeline.aggregates('sla_compliance', { app: 'fetch-app', service: 'stripe', step: 'total' });
    expect(sla.series[0]!.points[0]).toMatchObject({ count: 3, sum: 1 });
    expect(JSON.stringify(await groups('external_api_call', 'fetch-app', 'endpoint'))).not.toContain('beacon');
  });

  it('measures axios through interceptors', async () => {
    const monitor = createMonitor({ app: 'axios-app', endpoint: pipeline.beaconUrl });
    const client = axios.create({ baseURL: upstream });
    const stop = instrumentAxios(monitor, client as unknown as Parameters<typeof instrumentAxios>[1], { services: { [upstreamHost]: 'sendgrid' } });
    await client.get('/v3/mail/send/123');
    await client.post('/v1/fail', {}).catch(() => undefined);
    stop();
    await monitor.shutdown();
    expect(await groups('external_api_call', 'axios-app', 'status_code', { service: 'sendgrid' })).toEqual({ '200': 1, '502': 1 });
    expect(await groups('sla_compliance', 'axios-app', 'service')).toEqual({ sendgrid: 2 });
  });

  it('reports circuit breaker transitions: open, half-open, closed', async () => {
    const monitor = createMonitor({ app: 'breaker-app', endpoint: pipeline.beaconUrl });
    const states: BreakerState[] = [];
    let healthy = false;
    const breaker = circuitBreaker(
      monitor,
      'stripe',
      async () => {
        const response = await fetch(`${upstream}${healthy ? '/v1/ok' : '/v1/fail'}`);
        await response.text();
        if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
        return response.status;
      },
      { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 150, onTransition: (s) => states.push(s) },
    );
    for (let i = 0; i < 3; i++) await breaker.fire().catch(() => undefined);
    healthy = true;
    await new Promise((r) => setTimeout(r, 200));
    await breaker.fire();
    breaker.shutdown();
    await monitor.shutdown();
    expect(states).toEqual(['open', 'half_open', 'closed']);
    expect(await groups('circuit_breaker_transition', 'breaker-app', 'state')).toEqual({ open: 1, half_open: 1, closed: 1 });
  });
});
