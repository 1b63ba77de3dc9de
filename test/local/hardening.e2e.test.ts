import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { localAlertSink } from '../../local/adapters/alert-log.ts';
import { beacon, metric } from '../helpers/beacons.ts';
import { startTestPipeline, totalCount, type TestPipeline } from '../helpers/pipeline.ts';
import { idleSockets, rawRequest, slowBodies, statusOf } from '../helpers/raw-http.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const pipelines: TestPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

async function start(config: Parameters<typeof startTestPipeline>[0] = {}) {
  const p = await startTestPipeline(config);
  pipelines.push(p);
  return p;
}

const portOf = (p: TestPipeline) => Number(new URL(p.pipeline.url).port);
const post = (p: TestPipeline, body: unknown) =>
  fetch(p.beaconUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const healthy = async (p: TestPipeline) => (await fetch(`${p.pipeline.url}/healthz`)).status === 200;
const custom = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ name, value, unit: 'count', timestamp: Date.now(), ...extra });

describe('the local endpoint under hostile requests', () => {
  it('answers a request target new URL() cannot parse (//a:b) with 400 and keeps serving', async () => {
    const p = await start();
    for (const target of ['//a:b', '//a:b/v1/beacon', '//[::1', 'http://[bad/x', '*']) {
      const answer = await rawRequest(portOf(p), `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect([400, 404]).toContain(statusOf(answer));
    }
    expect(await healthy(p)).toBe(true);
  });

  it('keeps path traversal out: 404 for every spelling, never a file outside the served set', async () => {
    const p = await start();
    for (const target of [
      '/../package.json',
      '/dashboard/../../package.json',
      '/%2e%2e/package.json',
      '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
      '/sdk/../local/main.ts',
    ]) {
      const answer = await rawRequest(portOf(p), `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(answer)).toBe(404);
      expect(answer).not.toContain('"devDependencies"');
    }
  });

  it('closes a slowloris connection with 408 once its headers are late', async () => {
    const p = await start({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const answer = await rawRequest(portOf(p), 'POST /v1/beacon HTTP/1.1\r\nHost: x\r\nX-Slow: ', 5000);
    expect(statusOf(answer)).toBe(408);
    expect(await healthy(p)).toBe(true);
  });

  it('stops reading a body at 64 KiB: a declared 10 MB gets 413 before the rest is sent', async () => {
    const p = await start();
    const head = `POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`;
    const answer = await rawRequest(portOf(p), Buffer.concat([Buffer.from(head), Buffer.alloc(100_000, 0x20)]));
    expect(statusOf(answer)).toBe(413);
    // The same without a length (chunked): cut off once 64 KiB have arrived.
    const chunk = Buffer.alloc(40_000, 0x20);
    const chunked = Buffer.concat([
      Buffer.from('POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'),
      ...[1, 2, 3].flatMap(() => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    ]);
    expect(statusOf(await rawRequest(portOf(p), chunked))).toBe(413);
    expect(await healthy(p)).toBe(true);
  });

  it('keeps answering beacons and /healthz with far more idle connections than it allows', async () => {
    const p = await start({ maxConnections: 64 });
    const sockets = await idleSockets(portOf(p), 300);
    try {
      expect(await healthy(p)).toBe(true);
      expect((await post(p, beacon({ metrics: [metric({ timestamp: Date.now() })] }))).status).toBe(202);
      expect(p.pipeline.connections.open).toBeLessThanOrEqual(64);
      expect(p.pipeline.connections.evicted).toBeGreaterThan(200);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe('the local endpoint under a slow-body attack', () => {
  it('answers 408 and closes a connection whose body does not arrive by the body deadline', async () => {
    const p = await start({ bodyTimeoutMs: 500 });
    const answer = await rawRequest(portOf(p), 'POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{', 3000);
    expect(statusOf(answer)).toBe(408);
    expect(answer).toContain('did not arrive within 0.5 s');
  });

  for (const attacker of ['another address', 'the same address as the probes'] as const) {
    it(`keeps /healthz and honest beacons answering while sockets from ${attacker} trickle bodies`, async () => {
      const p = await start({ maxConnections: 256 });
      // More slow bodies than the server has places, reconnecting as they are pushed out.
      const attack = slowBodies(portOf(p), 600, attacker === 'another address' ? '127.0.0.2' : '127.0.0.1');
      try {
        await new Promise((r) => setTimeout(r, 1000));
        let ok = 0;
        const probes = 100;
        for (let i = 0; i < probes; i++) {
          if (await healthy(p).catch(() => false)) ok += 1;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(ok / probes).toBeGreaterThanOrEqual(0.99);
        expect((await post(p, beacon({ metrics: [metric({ timestamp: Date.now() })] }))).status).toBe(202);
        expect(p.pipeline.connections.open).toBeLessThanOrEqual(256);
        expect(attack.opened()).toBeGreaterThan(600);
      } finally {
        attack.stop();
      }
    });
  }
});

describe('beacons that once broke aggregation or other apps', () => {
  it('refuses values whose sum would overflow, and later beacons stay queryable', async () => {
    const p = await start();
    const poison = { app: 'e', metrics: [custom('custom_x', 1.7e308, { count: 2 }), custom('custom_x', -1.7e308, { count: 2 })] };
    const refused = await post(p, poison);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/above custom_x's maximum 1000000000000000/);
    expect((await post(p, { app: 'e', metrics: [custom('custom_x', 5)] })).status).toBe(202);
    expect(totalCount(await p.aggregates('custom_x', { app: 'e' }))).toBe(1);
    expect(await healthy(p)).toBe(true);
  });

  it('dead-letters a stored record the aggregator can no longer take, and goes on with the rest', async () => {
    const p = await start();
    // A record written before the bounds existed: it sits on the stream as the old ingest wrote it.
    const legacy = {
      v: 1,
      beaconId: 'old',
      receivedAt: Date.now(),
      common: { app: 'e' },
      metrics: [
        { name: 'custom_x', value: 1.7e308, count: 2, timestamp: Date.now(), source: 'server', dimensions: {} },
        { name: 'custom_x', value: -1.7e308, count: 2, timestamp: Date.now(), source: 'server', dimensions: {} },
      ],
    };
    await p.pipeline.stream.put([{ partitionKey: 'old', data: Buffer.from(JSON.stringify(legacy)) }]);
    expect((await post(p, { app: 'e', metrics: [custom('custom_x', 7)] })).status).toBe(202);
    expect(totalCount(await p.aggregates('custom_x', { app: 'e' }))).toBe(1);
    expect(p.pipeline.stream.deadLetterCount()).toBe(1);
    expect(await healthy(p)).toBe(true);
  });

  it('answers /healthz 503 with the reason while the consumer lags beyond its bound', async () => {
    const p = await start({ maxConsumerLagMs: 200 });
    await p.pipeline.consumer.stop();
    expect((await post(p, beacon({ metrics: [metric({ timestamp: Date.now() })] }))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 400));
    const answer = await fetch(`${p.pipeline.url}/healthz`);
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { reasons: string[] }).reasons.join(' ')).toMatch(/behind .*1 records waiting/);
  });

  it('never folds a real app into other because strangers sent 100 junk apps first', async () => {
    const p = await start();
    const now = Date.now();
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => post(p, beacon({ app: `junk-${i}`, context: { page: `/p/${i}x` }, metrics: [metric({ timestamp: now })] }))),
    );
    expect((await post(p, beacon({ app: 'shop', context: { page: '/checkout' }, metrics: [metric({ timestamp: now })] }))).status).toBe(202);
    const shop = await p.aggregates('web_vitals_lcp', { app: 'shop', group_by: 'page' });
    expect(shop.series.map((s) => s.dimensions.page)).toEqual(['/checkout']);
    expect(totalCount(shop)).toBe(1);
  });

  it('refuses metric names an app invents past its 100, naming the cap, and stores none of them', async () => {
    const p = await start();
    const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => custom(`custom_m${from + i}`, 1));
    expect(await (await post(p, { app: 'flood', metrics: names(0, 100) })).json()).toEqual({ accepted: 100 });
    const mixed = await post(p, { app: 'flood', metrics: [custom('custom_m7', 2), ...names(100, 3)] });
    expect(mixed.status).toBe(202);
    const answer = (await mixed.json()) as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(answer.rejected[0]!.reason).toMatch(/app 'flood' already has 100 custom and function metric names in use, so 'custom_m100' is refused/);
    const allNew = await post(p, { app: 'flood', metrics: names(200, 5) });
    expect(allNew.status).toBe(400);
    expect(totalCount(await p.aggregates('custom_m7', { app: 'flood' }))).toBe(2);
    expect(totalCount(await p.aggregates('custom_other', { app: 'flood' }))).toBe(0);
  });

  it('refuses apps the operator did not name, with a 403 that says how to add one', async () => {
    const p = await start({ allowedApps: new Set(['shop']) });
    expect((await post(p, beacon({ app: 'shop', metrics: [metric({ timestamp: Date.now() })] }))).status).toBe(202);
    const refused = await post(p, beacon({ app: 'stranger', metrics: [metric({ timestamp: Date.now() })] }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/app 'stranger' is not accepted.*VITALSTREAM_APPS/);
  });

  it('refuses custom-metric tags that would set app, page, source, device or unit, naming each', async () => {
    const p = await start();
    const answer = await post(p, {
      app: 'attacker',
      metrics: [custom('custom_x', 1, { tags: { app: 'victim', page: '/admin', source: 'cdn', device: 'bot', unit: 'ms' } })],
    });
    expect(answer.status).toBe(400);
    const { message } = (await answer.json()) as { message: string };
    for (const tag of ['app', 'page', 'source', 'device', 'unit']) expect(message).toContain(`tag '${tag}' is not allowed`);
    expect(totalCount(await p.aggregates('custom_x', { app: 'victim' }))).toBe(0);
  });

  it('keeps one custom name sent in two units as two series, each with its unit', async () => {
    const p = await start();
    const now = Date.now();
    expect(
      (
        await post(p, {
          app: 'shop',
          metrics: [custom('custom_dur', 5, { unit: 'ms', timestamp: now }), custom('custom_dur', 5000, { unit: 'bytes', timestamp: now })],
        })
      ).status,
    ).toBe(202);
    const both = (await p.aggregates('custom_dur', { app: 'shop', step: 'total' })) as unknown as {
      unit: string;
      series: { dimensions: Record<string, string>; points: { sum: number }[] }[];
    };
    expect(both.unit).toBe('mixed');
    expect(both.series.map((s) => [s.dimensions.unit, s.points[0]!.sum])).toEqual([
      ['bytes', 5000],
      ['ms', 5],
    ]);
    const ms = (await p.aggregates('custom_dur', { app: 'shop', unit: 'ms', step: 'total' })) as unknown as {
      unit: string;
      series: { points: { sum: number }[] }[];
    };
    expect(ms.unit).toBe('ms');
    expect(ms.series[0]!.points[0]!.sum).toBe(5);
  });

  it('refuses control characters in every context field', async () => {
    const p = await start();
    for (const [field, value] of [
      ['page', '/a\u0000b'],
      ['route', '/a\r\nSet-Cookie: x'],
      ['release', '1.0\u001b[31m'],
      ['connection', '4g\u0085'],
      ['service', 'x\ty'],
    ]) {
      const answer = await post(p, beacon({ context: { [field as string]: value }, metrics: [metric({ timestamp: Date.now() })] }));
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toContain(`context.${field} must not contain control characters`);
    }
  });
});

describe('dates and query parameters', () => {
  it('refuses impossible dates in beacons and queries, and query times without a zone', async () => {
    const p = await start();
    const beaconAnswer = await post(p, beacon({ metrics: [metric({ timestamp: '2026-11-31T00:00:00Z' })] }));
    expect(beaconAnswer.status).toBe(400);
    expect(((await beaconAnswer.json()) as { message: string }).message).toMatch(/not a real date/);
    for (const from of ['2026-11-31T00:00:00Z', '2026-11-30T10:00:00', '2026-02-29T00:00:00Z']) {
      const answer = await fetch(`${p.pipeline.url}/v1/aggregates?metric=web_vitals_lcp&from=${encodeURIComponent(from)}&to=2026-12-01T00:00:00Z`);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toMatch(/from .*not epoch milliseconds or a real ISO 8601 time with a zone/);
    }
  });

  it('caps how much of 15 KB of unknown parameters a refusal repeats', async () => {
    const p = await start();
    const junk = Array.from({ length: 500 }, (_, i) => `junk${i}${'x'.repeat(20)}=1`).join('&');
    const answer = await fetch(`${p.pipeline.url}/v1/aggregates?metric=web_vitals_lcp&${junk}`);
    expect(answer.status).toBe(400);
    const text = await answer.text();
    expect(text.length).toBeLessThan(4096);
    expect(text).toMatch(/and 495 more are not dimensions/);
  });
});

describe('queries beside ingestion', () => {
  it('answers 429 with retry-after when more queries wait than the queue takes', async () => {
    const p = await start({ maxQueuedQueries: 1 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => fetch(`${p.pipeline.url}/v1/aggregates?metric=web_vitals_lcp`)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps lookups (/v1/metrics, /v1/alerts) answering while long range scans fill their own line', async () => {
    const p = await start({ maxQueuedQueries: 2 });
    const { emptyPartial, addValue } = await import('../../src/aggregation/partial-aggregate.ts');
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 3_600_000;
    const partials = [];
    for (let minute = 0; minute < 1_200; minute++) {
      for (let e = 0; e < 60; e++) {
        const partial = emptyPartial('api_request', base + minute * 60_000, { app: 's', source: 'server', method: 'GET', endpoint: `/e/${e}` });
        addValue(partial, 10 + e);
        partials.push(partial);
      }
    }
    await p.pipeline.store.replacePartials('seed', partials, base);
    const scans = Array.from({ length: 8 }, () => fetch(`${p.pipeline.url}/v1/advice`).then((a) => a.status));
    await new Promise((r) => setTimeout(r, 50));
    const lookups = await Promise.all([fetch(`${p.pipeline.url}/v1/metrics`), fetch(`${p.pipeline.url}/v1/alerts`)]);
    expect(lookups.map((a) => a.status)).toEqual([200, 200]);
    const scanStatuses = await Promise.all(scans);
    expect(scanStatuses).toContain(429);
    expect(scanStatuses).toContain(200);
  });

  it('refuses an answer of more than 50,000 points with a 400 that says to use a coarser step', async () => {
    const p = await start();
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 24 * 3_600_000;
    const partials = [];
    const { emptyPartial, addValue } = await import('../../src/aggregation/partial-aggregate.ts');
    for (let minute = 0; minute < 26_000; minute++) {
      for (const endpoint of ['/a', '/b']) {
        const partial = emptyPartial('api_request', base + minute * 60_000, { app: 's', source: 'server', endpoint });
        addValue(partial, 10);
        partials.push(partial);
      }
    }
    await p.pipeline.store.replacePartials('seed', partials, base);
    const from = base,
      to = base + 26_000 * 60_000;
    const tooMany = await fetch(`${p.pipeline.url}/v1/aggregates?metric=api_request&from=${from}&to=${to}&group_by=endpoint`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { message: string }).message).toMatch(/more than 50000 points.*step=hour/);
    const hourly = await fetch(`${p.pipeline.url}/v1/aggregates?metric=api_request&from=${from}&to=${to}&group_by=endpoint&step=hour`);
    expect(hourly.status).toBe(200);
  });
});

describe('alert text', () => {
  it('escapes what Slack reads as mentions and links in the webhook text', async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request
        .on('data', (c) => (body += c))
        .on('end', () => {
          received.push((JSON.parse(body) as { text: string }).text);
          response.end('ok');
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = tempDir();
    const sink = localAlertSink(`${dir.path}/alerts.jsonl`, {
      webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      print: () => undefined,
    });
    await sink.deliver({
      key: 'k',
      rule: 'slow_queries',
      state: 'firing',
      severity: 'warning',
      at: Date.now(),
      metric: 'database_query',
      title: 'Slow queries on table=<!channel> <https://evil.example/x|Click here>',
      message: 'p95 & more on <!here>',
      link: 'http://127.0.0.1:8787/#metric=database_query',
      dimensions: {},
      value: 1,
      threshold: 1,
    } as never);
    server.close();
    dir.remove();
    expect(received[0]).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
    expect(received[0]).toContain('&lt;!channel&gt; &lt;https://evil.example/x|Click here&gt;');
    expect(received[0]).toContain('p95 &amp; more');
    expect(received[0]).toMatch(/<http:\/\/127\.0\.0\.1:8787\/#metric=database_query\|open in vitalstream>$/);
  });
});
