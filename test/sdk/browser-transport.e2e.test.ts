import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidePage, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts';
import { waitFor, type LocalProcess } from '../../bench/support/local-process.ts';

let harness: BrowserHarness;
let server: LocalProcess;
let browser: Browser;
let page: Page;

async function count(app: string): Promise<number> {
  const response = await fetch(`${server.url}/v1/aggregates?metric=custom_transport_check&app=${app}`);
  const body = (await response.json()) as { series: { points: { count: number }[] }[] };
  return body.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
}

beforeAll(async () => {
  harness = await startBrowserHarness();
  ({ server, browser } = harness);
  page = await browser.newPage();
  await page.goto(`${server.url}/healthz`);
}, 60_000);
afterAll(() => harness?.close());

describe('browser SDK transport in Chromium', () => {
  it('falls back to fetch keepalive when sendBeacon refuses, and retries a failed send on the next flush', async () => {
    await page.evaluate(`(async () => {
      const { init } = await import('/sdk/vitalstream.esm.js');
      navigator.sendBeacon = () => false;
      window.collector = init({ endpoint: '/v1/beacon', app: 'transport', dropBots: false, signals: [] });
      window.collector.push({ name: 'custom_transport_check', value: 1, unit: 'count' });
      window.collector.flush();
    })()`);
    await waitFor(async () => ((await count('transport')) === 1 ? true : undefined), 5000, 'the fetch fallback');

    await page.evaluate(`(async () => {
      const realFetch = window.fetch;
      window.fetch = () => Promise.reject(new TypeError('offline'));
      window.collector.push({ name: 'custom_transport_check', value: 2, unit: 'count' });
      window.collector.flush();
      await new Promise((r) => setTimeout(r, 50));
      window.fetch = realFetch;
      window.collector.flush();
    })()`);
    await waitFor(async () => ((await count('transport')) === 2 ? true : undefined), 5000, 'the retried beacon');
    expect(await count('transport')).toBe(2);
  });

  it('tells onError what the endpoint refused and what no beacon could hold', async () => {
    const problems = (await page.evaluate(`(async () => {
      const { init } = await import('/sdk/vitalstream.esm.js');
      const problems = [];
      const collector = init({ endpoint: '/v1/beacon', app: 'transport', dropBots: false, signals: [], onError: (p) => problems.push(p) });
      collector.push({ name: 'custom_transport_check', value: 3, unit: 'count' });
      collector.push({ name: 'custom_no_unit', value: 1 });
      collector.push({ name: 'custom_transport_check', value: 4, unit: 'count', tags: { note: 'x'.repeat(70000) } });
      collector.flush();
      for (let i = 0; i < 50 && problems.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      return problems;
    })()`)) as { kind: string; count: number; reason: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        { kind: 'dropped', count: 1, reason: 'a metric is over the beacon size limit on its own' },
        { kind: 'refused', count: 1, reason: "custom metric 'custom_no_unit' must declare a unit" },
      ]),
    );
  });

  it('reports a rage click in the last second before the page is hidden', async () => {
    const rage = await browser.newPage();
    await rage.goto(`${server.url}/healthz`);
    await rage.evaluate(`(async () => {
      document.body.innerHTML = '<button id="again">again</button>';
      const { init, rageClicks } = await import('/sdk/vitalstream.esm.js');
      init({ endpoint: '/v1/beacon', app: 'rage', dropBots: false, signals: [rageClicks] });
    })()`);
    for (let i = 0; i < 4; i++) await rage.click('#again', { delay: 10 });
    // Hidden well within the second a burst needs to be quiet before it is reported on its own.
    await hidePage(rage);
    const clicks = async () => {
      const answer = (await (await fetch(`${server.url}/v1/aggregates?metric=rage_click&app=rage&step=total`)).json()) as {
        series: { points: { count: number; max: number }[] }[];
      };
      return answer.series[0]?.points[0];
    };
    const point = await waitFor(async () => clicks(), 5000, 'the rage click sent on hide');
    expect(point).toMatchObject({ count: 1, max: 4 });
    await rage.close();
  });

  it('reports uncaught errors and unhandled rejections as js_error by type and fingerprint, never the message itself', async () => {
    const errors = await browser.newPage();
    errors.on('pageerror', () => undefined);
    await errors.goto(`${server.url}/healthz`);
    await errors.evaluate(`(async () => {
      const { init, jsErrors } = await import('/sdk/vitalstream.esm.js');
      window.collector = init({ endpoint: '/v1/beacon', app: 'errors', dropBots: false, signals: [jsErrors] });
      setTimeout(() => { throw new TypeError("Cannot read properties of undefined (reading 'secret-token-123')"); }, 0);
      setTimeout(() => { Promise.reject(new Error('order 8f3a9c21d4 failed for bob@example.com')); }, 0);
      await new Promise((r) => setTimeout(r, 100));
      window.collector.flush();
    })()`);
    const answer = await waitFor(
      async () => {
        const body = (await (await fetch(`${server.url}/v1/aggregates?metric=js_error&app=errors&step=total&group_by=fingerprint`)).json()) as {
          series: { dimensions: Record<string, string>; points: { count: number }[] }[];
        };
        return body.series.length === 2 ? body : undefined;
      },
      5000,
      'two js_error fingerprints',
    );
    expect(answer.series.map((s) => s.dimensions.fingerprint).sort()).toEqual([
      'Cannot read properties of undefined (reading <str>)',
      'order <id> failed for <email>',
    ]);
    const types = (await (await fetch(`${server.url}/v1/aggregates?metric=js_error&app=errors&step=total&group_by=error_type`)).json()) as {
      series: { dimensions: Record<string, string> }[];
    };
    expect(types.series.map((s) => s.dimensions.error_type).sort()).toEqual(['Error', 'TypeError']);
    await errors.close();
  });

  it('sends nothing for a headless browser unless told to keep bots', async () => {
    await page.evaluate(`(async () => {
      const { init } = await import('/sdk/vitalstream.esm.js');
      const collector = init({ endpoint: '/v1/beacon', app: 'bots', signals: [] });
      collector.push({ name: 'custom_transport_check', value: 1, unit: 'count' });
      collector.flush();
    })()`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count('bots')).toBe(0);
  });
});
