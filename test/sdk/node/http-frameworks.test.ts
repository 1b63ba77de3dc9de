import express from 'express';
import Fastify from 'fastify';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitalstreamExpress } from '../../../packages/node/src/express.ts';
import { vitalstreamFastify } from '../../../packages/node/src/fastify.ts';
import { createMonitor } from '../../../packages/node/src/monitor.ts';
import { trackFunction } from '../../../packages/node/src/track-function.ts';
import { startTestPipeline, totalCount, type TestPipeline } from '../../helpers/pipeline.ts';

let pipeline: TestPipeline;
beforeAll(async () => (pipeline = await startTestPipeline()));
afterAll(() => pipeline.close());

const byDimension = async (metric: string, app: string, groupBy: string) =>
  Object.fromEntries(
    (await pipeline.aggregates(metric, { app, group_by: groupBy })).series.map((s) => [s.dimensions[groupBy], s.points.reduce((n, p) => n + p.count, 0)]),
  );

describe('Express instrumentation', () => {
  it('reports api_request by route template, method and status, with sizes, and never the raw path', async () => {
    const monitor = createMonitor({ app: 'express-app', endpoint: pipeline.beaconUrl });
    const app = express();
    vitalstreamExpress(app, monitor, { slowMs: 50 });
    app.get('/courses/:id', (req, res) => void res.json({ id: req.params.id }));
    app.post('/orders', express.json(), (_req, res) => void res.status(201).json({ ok: true }));
    app.get('/slow', (_req, res) => void setTimeout(() => res.send('late'), 80));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const api = express.Router();
    api.get('/items/:itemId', (_req, res) => void res.send('item'));
    app.use('/api', api);
    const admin = express();
    admin.get('/users/:userId', (_req, res) => void res.send('user'));
    app.use('/admin', admin);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const id of [1, 2, 3]) await (await fetch(`${base}/courses/${id}?ref=mail`)).text();
    await (await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"a"}' })).text();
    await (await fetch(`${base}/slow`)).text();
    await (await fetch(`${base}/boom`)).text();
    await (await fetch(`${base}/no/such/path/42`)).text();
    await (await fetch(`${base}/api/items/9`)).text();
    await (await fetch(`${base}/admin/users/5`)).text();
    server.close();
    await monitor.shutdown();

    expect(await byDimension('api_request', 'express-app', 'endpoint')).toEqual({
      '/courses/:id': 3,
      '/orders': 1,
      '/slow': 1,
      '/boom': 1,
      '/(unmatched)': 1,
      '/api/items/:itemId': 1,
      '/admin/users/:userId': 1,
    });
    expect(await byDimension('api_request', 'express-app', 'status_class')).toEqual({ '2xx': 7, '5xx': 1, '4xx': 1 });
    expect(await byDimension('api_request', 'express-app', 'method')).toEqual({ GET: 8, POST: 1 });
    const slow = await pipeline.aggregates('api_request', { app: 'express-app', endpoint: '/slow' });
    expect(slow.series[0]!.points[0]!.min).toBeGreaterThanOrEqual(79);
    const sizes = await pipeline.aggregates('api_request_size', { app: 'express-app', endpoint: '/orders' });
    expect(sizes.series[0]!.points[0]!.max).toBe(11);
    expect(totalCount(await pipeline.aggregates('api_response_size', { app: 'express-app' }))).toBe(9);
  });

  it('measures only the apps it was given, and stops when taken off', async () => {
    const monitor = createMonitor({ app: 'express-scoped', endpoint: pipeline.beaconUrl });
    const measured = express();
    const stop = vitalstreamExpress(measured, monitor);
    measured.get('/ping', (_req, res) => void res.send('pong'));
    const other = express();
    other.get('/ping', (_req, res) => void res.send('pong'));
    const servers = [measured.listen(0, '127.0.0.1'), other.listen(0, '127.0.0.1')];
    await Promise.all(servers.map((s) => new Promise((r) => s.once('listening', r))));
    const [measuredUrl, otherUrl] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/ping`);
    await (await fetch(measuredUrl!)).text();
    await (await fetch(otherUrl!)).text();
    stop();
    stop();
    expect(await (await fetch(measuredUrl!)).text()).toBe('pong');
    expect(() => vitalstreamExpress({} as never, monitor)).toThrow(/needs an Express application/);
    for (const s of servers) s.close();
    await monitor.shutdown();
    expect(await byDimension('api_request', 'express-scoped', 'endpoint')).toEqual({ '/ping': 1 });
  });

  it('times pipelined requests on one connection each from its own start', async () => {
    const monitor = createMonitor({ app: 'express-pipelined', endpoint: pipeline.beaconUrl });
    const app = express();
    const stop = vitalstreamExpress(app, monitor);
    app.get('/slow', (_req, res) => void setTimeout(() => res.send('slow'), 60));
    app.get('/fast', (_req, res) => void res.send('fast'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let answered = '';
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk) => {
        answered += String(chunk);
        if ((answered.match(/HTTP\/1\.1 200/g) ?? []).length === 3) resolve();
      });
      socket.on('error', reject);
      // Three requests in one write: the second and third arrive while the first is in progress.
      socket.write(['/slow', '/fast', '/slow'].map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    });
    socket.destroy();
    server.close();
    stop();
    await monitor.shutdown();
    expect(await byDimension('api_request', 'express-pipelined', 'endpoint')).toEqual({ '/slow': 2, '/fast': 1 });
    const slow = (await pipeline.aggregates('api_request', { app: 'express-pipelined', endpoint: '/slow' })).series[0]!.points[0]!;
    expect(slow.min).toBeGreaterThanOrEqual(59);
  });

  it('counts a request through two instrumented apps once, by the outer app and its full template', async () => {
    const outerMonitor = createMonitor({ app: 'express-outer', endpoint: pipeline.beaconUrl });
    const innerMonitor = createMonitor({ app: 'express-inner', endpoint: pipeline.beaconUrl });
    const outer = express();
    const inner = express();
    const stops = [vitalstreamExpress(outer, outerMonitor), vitalstreamExpress(inner, innerMonitor)];
    inner.get('/reports/:reportId', (_req, res) => void res.send('report'));
    outer.use('/billing', inner);
    const server = outer.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await (await fetch(`${base}/billing/reports/1`)).text();
    await (await fetch(`${base}/billing/reports/2`)).text();
    server.close();
    for (const stop of stops) stop();
    await Promise.all([outerMonitor.shutdown(), innerMonitor.shutdown()]);
    expect(await byDimension('api_request', 'express-outer', 'endpoint')).toEqual({ '/billing/reports/:reportId': 2 });
    expect(await byDimension('api_request', 'express-inner', 'endpoint')).toEqual({});
  });
});

describe('Fastify plugin', () => {
  it('reports every route of the app with its template and status', async () => {
    const monitor = createMonitor({ app: 'fastify-app', endpoint: pipeline.beaconUrl });
    const app = Fastify();
    await app.register(vitalstreamFastify(monitor));
    app.get('/users/:userId/orders', async () => ({ orders: [] }));
    app.get('/fail', async (_request, reply) => reply.code(503).send({ error: 'down' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    for (const id of ['7f3c', 'abc']) await (await fetch(`${base}/users/${id}/orders`)).text();
    await (await fetch(`${base}/fail`)).text();
    await app.close();
    await monitor.shutdown();
    expect(await byDimension('api_request', 'fastify-app', 'endpoint')).toEqual({ '/users/:userId/orders': 2, '/fail': 1 });
    expect(await byDimension('api_request', 'fastify-app', 'status_code')).toEqual({ '200': 2, '503': 1 });
    // Fastify hands its headers to writeHead, so Content-Length is read there ('{"orders":[]}' is 13 bytes).
    expect(await byDimension('api_response_size', 'fastify-app', 'endpoint')).toEqual({ '/users/:userId/orders': 2, '/fail': 1 });
    const orders = await pipeline.aggregates('api_response_size', { app: 'fastify-app', endpoint: '/users/:userId/orders' });
    expect([orders.series[0]!.points[0]!.min, orders.series[0]!.points[0]!.max]).toEqual([13, 13]);
  });
});

describe('trackFunction', () => {
  it('times sync and async functions, reports the error type and rethrows the original error', async () => {
    const monitor = createMonitor({ app: 'fn-app', endpoint: pipeline.beaconUrl });
    const add = trackFunction(monitor, 'add', (a: number, b: number) => a + b);
    const render = trackFunction(monitor, 'render_invoice', async (id: string) => {
      await new Promise((r) => setTimeout(r, 20));
      if (id === 'bad') throw Object.assign(new Error('no such invoice'), { code: 'ENOINVOICE' });
      return `invoice ${id}`;
    });
    const explode = trackFunction(monitor, 'explode', () => {
      throw new TypeError('nope');
    });
    expect(add(2, 3)).toBe(5);
    expect(await render('42')).toBe('invoice 42');
    const original = await render('bad').catch((e: unknown) => e);
    expect((original as { code: string }).code).toBe('ENOINVOICE');
    expect(() => explode()).toThrow(TypeError);
    await monitor.shutdown();
    expect(await byDimension('function_render_invoice', 'fn-app', 'status')).toEqual({ success: 1, error: 1 });
    expect(await byDimension('function_render_invoice', 'fn-app', 'error_type')).toEqual({ ENOINVOICE: 1 });
    expect((await pipeline.aggregates('function_render_invoice', { app: 'fn-app', status: 'success' })).series[0]!.points[0]!.min).toBeGreaterThanOrEqual(19);
    expect(await byDimension('function_explode', 'fn-app', 'error_type')).toEqual({ TypeError: 1 });
    expect(totalCount(await pipeline.aggregates('function_add', { app: 'fn-app' }))).toBe(1);
  });
});

describe('Server-Timing from the server SDK', () => {
  const durationOf = (header: string | null) => Number(/(?:^|, )app;dur=([\d.]+)/.exec(header ?? '')?.[1]);

  it("Express adds app;dur to each response by default, keeps an app's own entries, and adds none when asked not to", async () => {
    const monitor = createMonitor({ app: 'timing', endpoint: pipeline.beaconUrl });
    const app = express();
    const off = vitalstreamExpress(app, monitor);
    app.get('/slow', (_req, res) => void setTimeout(() => res.send('late'), 60));
    app.get('/own', (_req, res) => void res.set('Server-Timing', 'db;dur=12').send('ok'));
    const quiet = express();
    const offQuiet = vitalstreamExpress(quiet, monitor, { serverTiming: false });
    quiet.get('/', (_req, res) => void res.send('ok'));
    const servers = [app.listen(0, '127.0.0.1'), quiet.listen(0, '127.0.0.1')];
    await Promise.all(servers.map((s) => new Promise((r) => s.once('listening', r))));
    const [base, quietBase] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    const slow = await fetch(`${base}/slow`);
    await slow.text();
    expect(durationOf(slow.headers.get('server-timing'))).toBeGreaterThanOrEqual(55);
    const own = await fetch(`${base}/own`);
    await own.text();
    expect(own.headers.get('server-timing')).toMatch(/^db;dur=12, app;dur=[\d.]+;desc="GET \/own", traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
    const none = await fetch(`${quietBase}/`);
    await none.text();
    expect(none.headers.get('server-timing')).toBeNull();
    for (const s of servers) s.close();
    off();
    offQuiet();
    await monitor.shutdown();
  });

  const traceparentOf = (header: string | null) => /traceparent;desc="([^"]+)"/.exec(header ?? '')?.[1];
  const endpointOf = (header: string | null) => /app;dur=[\d.]+;desc="([^"]+)"/.exec(header ?? '')?.[1];

  it.each(['express', 'fastify'] as const)(
    '%s names the endpoint, continues a valid incoming trace, starts one otherwise, and sends Timing-Allow-Origin when asked',
    async (framework) => {
      const monitor = createMonitor({ app: `trace-${framework}`, endpoint: pipeline.beaconUrl });
      const options = { timingAllowOrigin: 'https://shop.example' };
      let base: string;
      let close: () => Promise<unknown>;
      if (framework === 'express') {
        const app = express();
        const off = vitalstreamExpress(app, monitor, options);
        const router = express.Router();
        router.post('/cart/:id', (_req, res) => void res.send('ok'));
        app.use('/api', router);
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        close = async () => {
          server.close();
          off();
        };
      } else {
        const app = Fastify();
        await app.register(vitalstreamFastify(monitor, options));
        app.post('/api/cart/:id', async () => 'ok');
        await app.listen({ port: 0, host: '127.0.0.1' });
        base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        close = () => app.close();
      }
      const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const continued = await fetch(`${base}/api/cart/42`, { method: 'POST', headers: { traceparent: incoming } });
      await continued.text();
      const header = continued.headers.get('server-timing');
      expect(endpointOf(header)).toBe('POST /api/cart/:id');
      expect(traceparentOf(header)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      expect(traceparentOf(header)).not.toBe(incoming);
      expect(continued.headers.get('timing-allow-origin')).toBe('https://shop.example');
      // A malformed or all-zero trace is not continued: a new one starts.
      for (const bad of ['00-00000000000000000000000000000000-b7ad6b7169203331-01', 'garbage', `00-${'g'.repeat(32)}-b7ad6b7169203331-01`]) {
        const fresh = await fetch(`${base}/api/cart/1`, { method: 'POST', headers: { traceparent: bad } });
        await fresh.text();
        const id = traceparentOf(fresh.headers.get('server-timing'));
        expect(id).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        expect(id!.slice(3, 35)).not.toBe('0'.repeat(32));
      }
      const missing = await fetch(`${base}/nowhere`);
      await missing.text();
      expect(endpointOf(missing.headers.get('server-timing'))).toBeUndefined();
      expect(traceparentOf(missing.headers.get('server-timing'))).toBeDefined();
      await close();
      await monitor.shutdown();
      expect(await byDimension('api_request', `trace-${framework}`, 'endpoint')).toEqual({ '/api/cart/:id': 4, '/(unmatched)': 1 });
    },
  );

  it('reads headers an app hands to writeHead itself, whatever their case: its size is recorded, its own Timing-Allow-Origin stays and its own Server-Timing entries come first', async () => {
    const monitor = createMonitor({ app: 'own-write-head', endpoint: pipeline.beaconUrl });
    const app = express();
    const off = vitalstreamExpress(app, monitor, { timingAllowOrigin: 'https://shop.example' });
    app.get('/raw', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5', 'Timing-Allow-Origin': 'https://own.example', 'Server-Timing': 'db;dur=7' });
      res.end('hello');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/raw`);
    expect(await answer.text()).toBe('hello');
    expect(answer.headers.get('timing-allow-origin')).toBe('https://own.example');
    expect(answer.headers.get('server-timing')).toMatch(/^db;dur=7, app;dur=[\d.]+;desc="GET \/raw", traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
    server.close();
    off();
    await monitor.shutdown();
    const sizes = await pipeline.aggregates('api_response_size', { app: 'own-write-head' });
    expect(sizes.series.map((series) => series.points.map((p) => [p.count, p.min, p.max]))).toEqual([[[1, 5, 5]]]);
  });

  it("Fastify adds app;dur from the reply's own elapsed time", async () => {
    const monitor = createMonitor({ app: 'timing-fastify', endpoint: pipeline.beaconUrl });
    const app = Fastify();
    await app.register(vitalstreamFastify(monitor));
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 60));
      return 'late';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const answer = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/slow`);
    await answer.text();
    expect(durationOf(answer.headers.get('server-timing'))).toBeGreaterThanOrEqual(55);
    await app.close();
    await monitor.shutdown();
  });
});
