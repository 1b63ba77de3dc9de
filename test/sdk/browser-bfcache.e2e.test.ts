import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/support/local-process.ts';
import { hidePage, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts';

interface Answer {
  series: { dimensions: Record<string, string>; points: { count: number }[] }[];
}

let harness: BrowserHarness;
/** The reasons Chromium itself gave the page that was not restored, read in that page. */
let reasonsTheBrowserGave: string[];

async function query(metric: string, params: Record<string, string> = {}): Promise<Answer> {
  const search = new URLSearchParams({ metric, app: 'demo', page: '/demo', step: 'total', ...params });
  return (await fetch(`${harness.server.url}/v1/aggregates?${search}`)).json() as Promise<Answer>;
}

const countsBy = (answer: Answer, key: string): Record<string, number> =>
  Object.fromEntries(answer.series.map((s) => [s.dimensions[key], s.points[0]?.count ?? 0]));

/** Waits for the page's first contentful paint: a page hidden before it paints has no FCP to report. */
const painted = (page: Page) => page.waitForFunction("performance.getEntriesByName('first-contentful-paint').length > 0");

/** Leaves /demo for another page and comes back with the back button; resolves once /demo is shown again. */
async function awayAndBack(page: Page) {
  await page.goto(`${harness.server.url}/demo/spa`, { waitUntil: 'load' });
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForFunction('window.vitalstream?.collector !== undefined');
}

// The demo page runs the script-tag build. Two back navigations to it: one restored from the
// back/forward cache, and one after the page added an unload listener, which keeps a page out of
// the cache, so it loads anew and the browser says why.
beforeAll(async () => {
  harness = await startBrowserHarness({ VITALSTREAM_ANALYZE_EVERY_MS: '0' }, { backForwardCache: true });
  const page = await harness.browser.newPage();
  await page.goto(`${harness.server.url}/demo`, { waitUntil: 'load' });
  await page.waitForFunction('window.vitalstream?.collector !== undefined');
  await painted(page);
  await page.evaluate('window.visitedBefore = true');
  await awayAndBack(page);
  // A page restored from the cache keeps its JavaScript state; one loaded anew does not.
  expect(await page.evaluate('window.visitedBefore === true')).toBe(true);
  await page.waitForTimeout(300);
  await hidePage(page);
  await page.evaluate("addEventListener('unload', () => undefined)");
  await awayAndBack(page);
  expect(await page.evaluate('window.visitedBefore === true')).toBe(false);
  await painted(page);
  reasonsTheBrowserGave = (await page.evaluate(`(() => {
    const found = new Set();
    const collect = (frame) => {
      for (const r of frame?.reasons ?? []) if (r.reason) found.add(r.reason);
      for (const child of frame?.children ?? []) collect(child);
    };
    collect(performance.getEntriesByType('navigation')[0].notRestoredReasons);
    return [...found].sort();
  })()`)) as string[];
  await hidePage(page);
  const fcpTotal = async () =>
    Object.values(countsBy(await query('web_vitals_fcp', { group_by: 'navigation_type' }), 'navigation_type')).reduce((a, b) => a + b, 0);
  await waitFor(
    async () =>
      Object.keys(countsBy(await query('back_forward_navigation', { group_by: 'restored' }), 'restored')).length === 2 && (await fcpTotal()) >= 3
        ? true
        : undefined,
    15_000,
    'both back navigations and the three views’ FCP',
  );
  await page.close();
}, 90_000);

afterAll(() => harness?.close());

describe('browser SDK and the back/forward cache', () => {
  it('counts back navigations, restored from the cache or not', async () => {
    expect(countsBy(await query('back_forward_navigation', { group_by: 'restored' }), 'restored')).toEqual({ yes: 1, no: 1 });
  });

  it('reports why the page was not restored, as the browser gave it', async () => {
    expect(reasonsTheBrowserGave.length).toBeGreaterThan(0);
    const blocked = countsBy(await query('bfcache_blocked', { group_by: 'reason' }), 'reason');
    expect(Object.keys(blocked).sort()).toEqual(reasonsTheBrowserGave);
    expect(Object.values(blocked).every((n) => n === 1)).toBe(true);
  });

  it("reports the restored view's vitals apart, under navigation type back-forward-cache", async () => {
    const fcp = countsBy(await query('web_vitals_fcp', { group_by: 'navigation_type' }), 'navigation_type');
    expect(fcp['back-forward-cache']).toBe(1);
    // The first load and the load after the unload listener.
    expect(fcp.navigate! + (fcp['back-forward'] ?? 0)).toBe(2);
  });
});
