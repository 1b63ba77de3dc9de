import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/support/local-process.ts';
import { vitalstreamExpress } from '../../packages/node/src/express.ts';
import { createMonitor, type Monitor } from '../../packages/node/src/monitor.ts';
import { hidePage, startBrowserHarness, type BrowserHarness, visitAndClick } from '../helpers/browser-harness.ts';

/**
 * From a slow page to the server request behind it, end to end: a real Express app with the server
 * SDK (its answers name their endpoint in Server-Timing), pages in headless Chromium with the
 * script-tag build, and the local pipeline joining them. The cart page's "add" button waits on a
 * deliberately slow endpoint before it paints; its "recount" button is as slow but waits on nothing.
 */
const APP = 'shop-join';
const SCRIPT = readFileSync(resolve(import.meta.dirname, '../../dist/browser/vitalstream.min.js'), 'utf8');
let harness: BrowserHarness;
let shop: Server;
let shopUrl: string;
let monitor: Monitor;
const seenTraceparents: string[] = [];

const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}
<script src="/vitalstream.min.js" data-endpoint="${harness.server.url}/v1/beacon" data-app="${APP}" data-drop-bots="false" data-trace-origins="${shopUrl}"></script>
</body></html>`;

const CART = `<h1>Cart</h1><button id="add" type="button">Add to cart</button><button id="recount" type="button">Recount</button><p id="status">empty</p>
<script>
  // The click waits for the server before the page can paint: a synchronous request, as older checkout code still makes.
  document.getElementById('add').addEventListener('click', () => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/cart/42', false);
    xhr.send('{}');
    document.getElementById('status').textContent = xhr.responseText;
  });
  document.getElementById('recount').addEventListener('click', () => {
    const end = performance.now() + 320;
    while (performance.now() < end);
    document.getElementById('status').textContent = 'recounted';
  });
</script>`;

async function slowVitals(params: Record<string, string>) {
  const search = new URLSearchParams({ app: APP, ...params });
  return (await fetch(`${harness.server.url}/v1/slow-vitals?${search}`)).json() as Promise<{
    vitals: {
      vital: string;
      p75: number | null;
      slow: number;
      endpoints: { method: string; endpoint: string; count: number; share: number; serverP75: number }[];
      summary: string;
    }[];
  }>;
}

beforeAll(async () => {
  harness = await startBrowserHarness({ VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  monitor = createMonitor({ app: APP, endpoint: `${harness.server.url}/v1/beacon` });
  const app = express();
  vitalstreamExpress(app, monitor);
  app.get('/vitalstream.min.js', (_req, res) => void res.type('js').send(SCRIPT));
  app.get('/shop/cart', (_req, res) => void res.type('html').send(page('Cart', CART)));
  // A document the server takes 900 ms to start answering: its TTFB is slow.
  app.get('/shop/slow', (_req, res) => void setTimeout(() => res.type('html').send(page('Slow', '<h1>Slow document</h1>')), 900));
  app.post('/api/cart/:id', (req, res) => {
    seenTraceparents.push(String(req.headers.traceparent));
    setTimeout(() => res.send('added'), 300);
  });
  shop = app.listen(0, '127.0.0.1');
  await new Promise((r) => shop.once('listening', r));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

  // Four visits to the cart: three add to it (a slow click waiting on POST /api/cart/:id), one
  // recounts (as slow, waiting on no request). Then two loads of the slow document.
  const browser = harness.browser;
  for (const button of ['#add', '#add', '#recount', '#add']) await visitAndClick(browser, `${shopUrl}/shop/cart`, button);
  for (let i = 0; i < 2; i++) {
    const tab = await browser.newPage();
    await tab.goto(`${shopUrl}/shop/slow`, { waitUntil: 'load' });
    await tab.waitForTimeout(300);
    await hidePage(tab);
    await tab.close();
  }
  await waitFor(
    async () => {
      const cart = await slowVitals({ page: '/shop/cart' });
      const slowPage = await slowVitals({ page: '/shop/slow' });
      // Both pages' beacons: the last visit's can still be on its way when the first ones are stored.
      return cart.vitals.find((v) => v.vital === 'inp')!.slow >= 4 && slowPage.vitals.find((v) => v.vital === 'ttfb')!.slow >= 2 ? true : undefined;
    },
    20_000,
    'four slow interactions on /shop/cart and two slow documents on /shop/slow',
  );
}, 120_000);

afterAll(async () => {
  shop?.close();
  await monitor?.shutdown();
  await harness?.close();
});

describe('a slow page joined to the server request that made it slow', () => {
  it("finds that three of the cart's four slow interactions waited on POST /api/cart/:id, with the server's own time", async () => {
    const inp = (await slowVitals({ page: '/shop/cart' })).vitals.find((v) => v.vital === 'inp')!;
    expect(inp.slow).toBe(4);
    expect(inp.endpoints).toHaveLength(1);
    const [cart] = inp.endpoints;
    expect(cart).toMatchObject({ method: 'POST', endpoint: '/api/cart/:id', count: 3, share: 0.75 });
    // The server's time is what it said in Server-Timing: the 300 ms wait and not the browser's round trip.
    expect(cart!.serverP75).toBeGreaterThanOrEqual(295);
    expect(cart!.serverP75).toBeLessThan(inp.p75!);
    expect(inp.summary).toMatch(/^INP p75 \d+ ms; 75 % of slow interactions waited on POST \/api\/cart\/:id \(server p75 3\d\d ms\)$/);
  });

  it('joins the slow document to the endpoint that served it, and nothing to the fast one', async () => {
    const slow = (await slowVitals({ page: '/shop/slow' })).vitals.find((v) => v.vital === 'ttfb')!;
    expect(slow.slow).toBe(2);
    expect(slow.endpoints).toEqual([expect.objectContaining({ method: 'GET', endpoint: '/shop/slow', count: 2, share: 1 })]);
    expect(slow.endpoints[0]!.serverP75).toBeGreaterThanOrEqual(895);
    const cart = (await slowVitals({ page: '/shop/cart' })).vitals.find((v) => v.vital === 'ttfb')!;
    expect(cart.slow).toBe(0);
    expect(cart.endpoints).toEqual([]);
  });

  it("shows the join in the dashboard's page view, as the API answers it", async () => {
    const tab = await harness.browser.newPage();
    await tab.goto(`${harness.server.url}/?app=${APP}&page=${encodeURIComponent('/shop/cart')}`);
    await tab.waitForSelector('#page-view:not([hidden]) .slow-vitals [data-vital="inp"]');
    const inp = (await slowVitals({ page: '/shop/cart' })).vitals.find((v) => v.vital === 'inp')!;
    await expect(tab.locator('.slow-vitals [data-vital="inp"]').textContent()).resolves.toBe(inp.summary);
    await expect(tab.locator('.slow-vitals li').first().getAttribute('data-value')).resolves.toBe('POST /api/cart/:id');
    await tab.close();
  });

  it("sends a traceparent to the listed origin, and the server's answer continues that trace", async () => {
    expect(seenTraceparents).toHaveLength(3);
    for (const header of seenTraceparents) expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(new Set(seenTraceparents).size).toBe(3);
    const tab = await harness.browser.newPage();
    await tab.goto(`${shopUrl}/shop/cart`, { waitUntil: 'load' });
    const sent = (await tab.evaluate(`(async () => {
      const answer = await fetch('/api/cart/7', { method: 'POST' });
      await answer.text();
      return answer.headers.get('server-timing');
    })()`)) as string;
    await tab.close();
    const sentTrace = seenTraceparents.at(-1)!.slice(3, 35);
    expect(sent).toContain(`traceparent;desc="00-${sentTrace}-`);
  });
});
