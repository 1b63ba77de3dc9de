import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/support/local-process.ts';
import { vitalstreamExpress } from '../../packages/node/src/express.ts';
import { createMonitor, type Monitor } from '../../packages/node/src/monitor.ts';
import { startBrowserHarness, type BrowserHarness, visitAndClick } from '../helpers/browser-harness.ts';

/**
 * The join across origins, as most shops have it: the page on one origin, its API on another. A
 * browser shows a cross-origin answer's Server-Timing to the page only when the answer allows it
 * (Timing-Allow-Origin), and sends the page's `traceparent` only after a CORS preflight allows the
 * header. Two API servers: one with the server SDK's `timingAllowOrigin`, one without.
 */
const APP = 'shop-cross-origin';
const SCRIPT = readFileSync(resolve(import.meta.dirname, '../../dist/browser/vitalstream.min.js'), 'utf8');
let harness: BrowserHarness;
let monitor: Monitor;
const servers: Server[] = [];
const traceparents: Record<'allowed' | 'opaque', string[]> = { allowed: [], opaque: [] };

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An API on its own origin that lets the shop's page call it with a traceparent, slowly (300 ms). */
function api(route: string, seen: string[], shopOrigin: string, timingAllowOrigin: string | undefined) {
  const app = express();
  vitalstreamExpress(app, monitor, timingAllowOrigin ? { timingAllowOrigin } : {});
  app.use((req, res, next) => {
    res.set({ 'access-control-allow-origin': shopOrigin, 'access-control-allow-headers': 'traceparent', 'access-control-allow-methods': 'POST' });
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  app.post(route, (req, res) => {
    seen.push(String(req.headers.traceparent));
    setTimeout(() => res.send('done'), 300);
  });
  return app;
}

beforeAll(async () => {
  harness = await startBrowserHarness({ VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  monitor = createMonitor({ app: APP, endpoint: `${harness.server.url}/v1/beacon` });
  // The shop listens first: its origin is what the APIs allow, and its page reads their addresses when served.
  let allowedUrl = '';
  let opaqueUrl = '';
  const shop = express();
  shop.get('/vitalstream.min.js', (_req, res) => void res.type('js').send(SCRIPT));
  shop.get('/shop/cart', (_req, res) =>
    res.type('html').send(`<!doctype html><html><head><title>Cart</title></head><body><h1>Cart</h1>
<button id="cart" type="button">Add to cart</button><button id="wishlist" type="button">Add to wishlist</button>
<script>
  // Each click waits for its API before the page can paint (a synchronous request).
  const call = (url) => { const xhr = new XMLHttpRequest(); xhr.open('POST', url, false); xhr.send('{}'); };
  document.getElementById('cart').addEventListener('click', () => call('${allowedUrl}/api/cart/42'));
  document.getElementById('wishlist').addEventListener('click', () => call('${opaqueUrl}/api/wishlist/42'));
</script>
<script src="/vitalstream.min.js" data-endpoint="${harness.server.url}/v1/beacon" data-app="${APP}" data-drop-bots="false" data-trace-origins="${allowedUrl}, ${opaqueUrl}"></script>
</body></html>`),
  );
  const shopUrl = await listen(shop);
  allowedUrl = await listen(api('/api/cart/:id', traceparents.allowed, shopUrl, shopUrl));
  opaqueUrl = await listen(api('/api/wishlist/:id', traceparents.opaque, shopUrl, undefined));

  for (const button of ['#cart', '#wishlist', '#cart', '#wishlist']) await visitAndClick(harness.browser, `${shopUrl}/shop/cart`, button);
  await waitFor(async () => ((await inp()).slow >= 4 ? true : undefined), 20_000, 'four slow interactions on /shop/cart');
}, 120_000);

afterAll(async () => {
  for (const server of servers) server.close();
  await monitor?.shutdown();
  await harness?.close();
});

async function inp() {
  const search = new URLSearchParams({ app: APP, page: '/shop/cart' });
  const answer = (await (await fetch(`${harness.server.url}/v1/slow-vitals?${search}`)).json()) as {
    vitals: { vital: string; slow: number; endpoints: { method: string; endpoint: string; count: number; share: number; serverP75: number }[] }[];
  };
  return answer.vitals.find((v) => v.vital === 'inp')!;
}

describe('a slow page joined to an API on another origin', () => {
  it('joins the interactions that waited on the API whose answers allow the page their timing, and only those', async () => {
    const slow = await inp();
    expect(slow.slow).toBe(4);
    expect(slow.endpoints).toEqual([expect.objectContaining({ method: 'POST', endpoint: '/api/cart/:id', count: 2, share: 0.5 })]);
    expect(slow.endpoints[0]!.serverP75).toBeGreaterThanOrEqual(295);
  });

  it('sends the page its traceparent to both listed origins, after their CORS preflights allowed it', () => {
    for (const seen of [traceparents.allowed, traceparents.opaque]) {
      expect(seen).toHaveLength(2);
      for (const value of seen) expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });
});
