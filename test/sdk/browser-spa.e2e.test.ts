import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidePage, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts';
import { waitFor } from '../../bench/support/local-process.ts';

interface Answer {
  series: { dimensions: Record<string, string>; points: { count: number; max: number; min: number }[] }[];
}

let harness: BrowserHarness;
let navigationServerTiming: { name: string; duration: number }[] = [];

async function query(metric: string, params: Record<string, string> = {}): Promise<Answer> {
  const search = new URLSearchParams({ metric, app: 'demo-spa', step: 'total', ...params });
  return (await fetch(`${harness.server.url}/v1/aggregates?${search}`)).json() as Promise<Answer>;
}

// A single-page app (local/demo/static/spa.html): two route changes by history.pushState, an uncaught
// error, an unhandled rejection, a release, and a page served with a Server-Timing header.
beforeAll(async () => {
  harness = await startBrowserHarness({ VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  const page = await harness.browser.newPage();
  page.on('pageerror', () => undefined);
  await page.goto(`${harness.server.url}/demo/spa`, { waitUntil: 'load' });
  await page.waitForFunction('window.vitals !== undefined');
  navigationServerTiming = await page.evaluate(
    'performance.getEntriesByType("navigation")[0].serverTiming.map((t) => ({ name: t.name, duration: t.duration }))',
  );
  await page.waitForTimeout(300);
  await page.click('#to-cart');
  await page.waitForTimeout(800);
  await page.click('#to-checkout');
  await page.waitForTimeout(800);
  await page.click('#break');
  await page.click('#reject');
  await page.waitForTimeout(300);
  await hidePage(page);
  await waitFor(async () => ((await query('js_error', { group_by: 'fingerprint' })).series.length >= 2 ? true : undefined), 15_000, 'the final beacon');
  await page.close();
}, 90_000);

afterAll(() => harness?.close());

describe('browser SDK in a single-page app', () => {
  it('reports vitals per route for soft navigations, with the route as the page and no TTFB of its own', async () => {
    const soft = await query('web_vitals_fcp', { navigation_type: 'soft-navigation', group_by: 'page' });
    const lcp = await query('web_vitals_lcp', { navigation_type: 'soft-navigation', group_by: 'page' });
    const routes = new Set([...soft.series, ...lcp.series].map((s) => s.dimensions.page));
    expect([...routes].sort()).toEqual(['/demo/spa/cart', '/demo/spa/checkout']);
    const ttfb = await query('web_vitals_ttfb', { navigation_type: 'soft-navigation' });
    expect(ttfb.series.flatMap((s) => s.points)).toEqual([]);
    const hard = await query('web_vitals_lcp', { navigation_type: 'navigate', group_by: 'page' });
    expect(hard.series.map((s) => s.dimensions.page)).toEqual(['/demo/spa']);
  });

  it("reports the page's Server-Timing entries by name, with the header's value", async () => {
    expect(navigationServerTiming.map((t) => t.name)).toContain('page');
    const answer = await query('server_timing', { name: 'page', page: '/demo/spa' });
    const point = answer.series[0]!.points[0]!;
    expect(point.count).toBe(1);
    const sent = navigationServerTiming.find((t) => t.name === 'page')!.duration;
    expect(Math.abs(point.max - sent)).toBeLessThanOrEqual(Math.max(0.01, sent * 0.01));
  });

  it('reports the uncaught error and the unhandled rejection as two js_error fingerprints', async () => {
    const answer = await query('js_error', { group_by: 'fingerprint' });
    expect(answer.series.map((s) => s.dimensions.fingerprint).sort()).toEqual(['Cannot read properties of undefined (reading <str>)', 'payment <id> declined']);
  });

  it('answers group_by=release and group_by=browser', async () => {
    expect((await query('web_vitals_lcp', { group_by: 'release' })).series.map((s) => s.dimensions.release)).toEqual(['3.1.0']);
    expect((await query('web_vitals_lcp', { group_by: 'browser' })).series.map((s) => s.dimensions.browser)).toEqual(['Chrome']);
  });
});
