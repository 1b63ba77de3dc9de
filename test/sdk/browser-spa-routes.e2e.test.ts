import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/support/local-process.ts';
import { hidePage, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts';

interface Answer {
  series: { dimensions: Record<string, string>; points: { count: number; max: number; min: number }[] }[];
}

let harness: BrowserHarness;

async function query(metric: string, params: Record<string, string> = {}): Promise<Answer> {
  const search = new URLSearchParams({ metric, app: 'demo-routes', step: 'total', ...params });
  return (await fetch(`${harness.server.url}/v1/aggregates?${search}`)).json() as Promise<Answer>;
}

// local/demo/static/spa-routes.html: three routes reached by history.pushState, each with a button
// whose click takes a known time (home 150 ms, products 300 ms, about 450 ms), and a `route` option
// that reads the router's state, which moves on with every navigation.
beforeAll(async () => {
  harness = await startBrowserHarness({ VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  const page = await harness.browser.newPage();
  await page.goto(`${harness.server.url}/demo/spa-routes`, { waitUntil: 'load' });
  await page.waitForFunction('window.vitals !== undefined');
  for (const next of ['#to-products', '#to-about', undefined]) {
    // Chromium tells a soft navigation apart only after its paint: a click before that belongs to the route before.
    await page.waitForTimeout(1000);
    await page.click('#slow');
    await page.waitForTimeout(300);
    if (next) await page.click(next);
    await page.waitForTimeout(500);
  }
  await hidePage(page);
  await waitFor(
    async () => ((await query('web_vitals_inp', { group_by: 'page' })).series.length >= 3 ? true : undefined),
    15_000,
    'an INP for each of the three routes',
  );
  await page.close();
}, 90_000);

afterAll(() => harness?.close());

describe('browser SDK routes in a single-page app', () => {
  it("files each route's slow interaction under that route, though its INP is reported after the app moved on", async () => {
    const inp = await query('web_vitals_inp', { group_by: 'page' });
    const byRoute = Object.fromEntries(inp.series.map((s) => [s.dimensions.page!, s.points[0]!]));
    expect(Object.keys(byRoute).sort()).toEqual(['/routes/about', '/routes/home', '/routes/products']);
    // Each route's slowest interaction is its own click (plus a frame or two of rendering), never the next route's.
    expect(byRoute['/routes/home']!.max).toBeGreaterThanOrEqual(150);
    expect(byRoute['/routes/home']!.max).toBeLessThan(300);
    expect(byRoute['/routes/products']!.max).toBeGreaterThanOrEqual(300);
    expect(byRoute['/routes/products']!.max).toBeLessThan(450);
    // The last route's 450 ms click is reported when the page hides. Chromium's soft-navigation
    // attribution sometimes leaves it out of that route's INP (about one run in two here: the INP is
    // then the navigating click's 8 ms), but it never lands on another route, which the two upper
    // bounds above check; before the fix every vital of this visit was filed under /routes/about.
    expect(byRoute['/routes/about']!.count).toBeGreaterThanOrEqual(1);
  });

  it('files the load and each soft navigation under the route of the page it measured', async () => {
    const pages = async (navigationType: string) =>
      (await query('web_vitals_lcp', { navigation_type: navigationType, group_by: 'page' })).series.map((s) => s.dimensions.page).sort();
    expect(await pages('navigate')).toEqual(['/routes/home']);
    expect(await pages('soft-navigation')).toEqual(['/routes/about', '/routes/products']);
  });
});
