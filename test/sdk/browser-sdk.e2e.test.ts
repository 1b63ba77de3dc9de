import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidePage, startBrowserHarness, type BrowserHarness } from '../helpers/browser-harness.ts';
import { waitFor, type LocalProcess } from '../../bench/support/local-process.ts';
import { uxScore } from '../../packages/browser/src/signals/ux-score.ts';

interface Point {
  count: number;
  min: number;
  max: number;
  p50: number;
  ratings?: Record<string, number>;
}
interface Answer {
  series: { dimensions: Record<string, string>; points: Point[] }[];
}

let harness: BrowserHarness;
let server: LocalProcess;
let browser: Browser;
const consoleErrors: string[] = [];
const observed: Record<string, unknown> = {};

async function query(metric: string, extra = ''): Promise<Answer> {
  const response = await fetch(`${server.url}/v1/aggregates?metric=${metric}&app=demo${extra}`);
  return response.json() as Promise<Answer>;
}
const merged = (answer: Answer) => answer.series[0]?.points[0];
const total = (answer: Answer) => answer.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
const groups = (answer: Answer, key: string) => answer.series.map((s) => s.dimensions[key]);

beforeAll(async () => {
  harness = await startBrowserHarness();
  ({ server, browser } = harness);
  const page = await browser.newPage();
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${server.url}/demo`, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  await page.click('#add-to-cart');
  await page.click('#slow');
  await page.click('#shift');
  await page.waitForTimeout(900); // the banner lands 600 ms after the click
  for (let i = 0; i < 4; i++) await page.click('#rage', { delay: 20 });
  await page.waitForTimeout(1200); // a rage burst is reported once it has been quiet for 1 s
  // Hidden, web-vitals finalizes LCP, INP and CLS and the SDK flushes with sendBeacon.
  await hidePage(page);
  // The final beacon must arrive on visibilitychange alone, with the page still open.
  await waitFor(async () => (total(await query('user_experience_score')) > 0 ? true : undefined), 15_000, 'the final beacon on visibilitychange');
  await page.close({ runBeforeUnload: true });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  console.log(`browser SDK end to end observed: ${JSON.stringify(observed)}`);
});

describe('browser SDK in headless Chromium, read back through the query API', () => {
  it('reports LCP, FCP and TTFB with sane values and ratings', async () => {
    for (const name of ['web_vitals_lcp', 'web_vitals_fcp', 'web_vitals_ttfb']) {
      const point = merged(await query(name));
      observed[name] = point?.max;
      expect(point?.count, name).toBe(1);
      expect(point!.max).toBeGreaterThan(0);
      expect(point!.max).toBeLessThan(10_000);
      const ratings = point!.ratings!;
      expect(ratings.good! + ratings.needsImprovement! + ratings.poor!).toBe(1);
    }
    expect(groups(await query('web_vitals_lcp', '&group_by=lcp_element'), 'lcp_element')[0]).toMatch(/^(h1#headline|img|p)/);
  });

  it("splits the load's LCP into its four parts, which add up to it", async () => {
    const parts = await query('lcp_part', '&group_by=part&step=total');
    expect(groups(parts, 'part').sort()).toEqual(['element_render_delay', 'resource_load_delay', 'resource_load_duration', 'ttfb']);
    const sum = parts.series.reduce((n, s) => n + s.points[0]!.max, 0);
    const lcp = merged(await query('web_vitals_lcp'))!.max;
    observed.lcp_parts = Object.fromEntries(parts.series.map((s) => [s.dimensions.part, s.points[0]!.max]));
    // Each part is stored in a sketch (1 % relative error); their sum is the LCP within that.
    expect(Math.abs(sum - lcp)).toBeLessThanOrEqual(0.02 * lcp + 1);
    const ttfb = merged(await query('web_vitals_ttfb'))!.max;
    expect(Math.abs(parts.series.find((s) => s.dimensions.part === 'ttfb')!.points[0]!.max - ttfb)).toBeLessThanOrEqual(0.02 * ttfb + 1);
  });

  it('reports INP from the slow handler, attributed to its button and its processing phase', async () => {
    const point = merged(await query('web_vitals_inp'));
    observed.web_vitals_inp = point?.max;
    expect(point!.max).toBeGreaterThanOrEqual(290);
    expect(point!.ratings!.good).toBe(0);
    expect(groups(await query('web_vitals_inp', '&group_by=inp_target'), 'inp_target')).toEqual(['button#slow']);
    expect(groups(await query('web_vitals_inp', '&group_by=inp_phase'), 'inp_phase')).toEqual(['processing-duration']);
    // The Long Animation Frame behind it names the script that ran: the demo page's own, as an event listener.
    observed.inp_script = groups(await query('web_vitals_inp', '&group_by=inp_script'), 'inp_script');
    expect(observed.inp_script).toEqual(['/demo']);
    expect(groups(await query('web_vitals_inp', '&group_by=inp_invoker'), 'inp_invoker')).toEqual(['event-listener']);
  });

  it('reports the layout shift the late banner caused', async () => {
    const point = merged(await query('web_vitals_cls'));
    observed.web_vitals_cls = point?.max;
    expect(point!.max).toBeGreaterThan(0.01);
    expect(point!.max).toBeLessThan(5);
  });

  it('reports long tasks and long animation frames from the blocking handler', async () => {
    const longTask = merged(await query('long_task'));
    observed.long_task = longTask?.max;
    expect(longTask!.max).toBeGreaterThanOrEqual(290);
    const frame = merged(await query('long_animation_frame'));
    observed.long_animation_frame = frame?.max;
    expect(frame!.max).toBeGreaterThanOrEqual(290);
  });

  it('reports the slow interaction (40 ms and over) and one rage click burst on the right target', async () => {
    const slow = await query('user_interaction', '&group_by=target');
    expect(groups(slow, 'target')).toContain('button#slow');
    expect(slow.series.find((s) => s.dimensions.target === 'button#slow')!.points[0]!.max).toBeGreaterThanOrEqual(290);
    const rage = await query('rage_click', '&group_by=target');
    observed.rage_click = rage.series.map((s) => [s.dimensions.target, s.points[0]!.max]);
    expect(rage.series).toHaveLength(1);
    expect(rage.series[0]!.dimensions.target).toBe('button#rage');
    expect(rage.series[0]!.points[0]!.max).toBeGreaterThanOrEqual(3);
  });

  it('reports resources and navigation phases, but never its own beacons', async () => {
    const byInitiator = await query('resource_timing', '&group_by=initiator_type');
    observed.resource_initiators = groups(byInitiator, 'initiator_type');
    expect(groups(byInitiator, 'initiator_type')).toEqual(expect.arrayContaining(['img', 'fetch']));
    expect(groups(byInitiator, 'initiator_type')).not.toContain('beacon');
    const phases = groups(await query('navigation_timing', '&group_by=phase'), 'phase');
    expect(phases).toEqual(expect.arrayContaining(['dns', 'request', 'response', 'dom', 'load']));
  });

  it('reports the composite user-experience score once, as the weights make it from the ratings it saw', async () => {
    const point = merged(await query('user_experience_score'));
    observed.user_experience_score = point?.max;
    expect(point!.count).toBe(1);
    // The page view's own ratings, as the server rated the vitals it received.
    const rated = async (metric: string) => {
      const ratings = merged(await query(metric))!.ratings!;
      return Object.entries({ good: 'good', needsImprovement: 'needs-improvement', poor: 'poor' }).find(([key]) => ratings[key]! > 0)![1];
    };
    const expected = uxScore({ lcp: await rated('web_vitals_lcp'), inp: await rated('web_vitals_inp'), cls: await rated('web_vitals_cls') }, 0);
    expect(point!.max).toBe(expected);
  });

  it('also flushes on pagehide alone, when the page goes away without a visibility change', async () => {
    const before = total(await query('user_experience_score'));
    const page = await browser.newPage();
    await page.goto(`${server.url}/demo`, { waitUntil: 'load' });
    await page.click('#add-to-cart');
    await page.waitForTimeout(300);
    await page.close({ runBeforeUnload: true });
    await waitFor(async () => (total(await query('user_experience_score')) > before ? true : undefined), 15_000, 'a beacon sent on pagehide');
  });

  it('marks the headless browser as a bot device and leaves no console errors', async () => {
    expect(groups(await query('web_vitals_lcp', '&group_by=device'), 'device')).toEqual(['bot']);
    expect(consoleErrors).toEqual([]);
  });
});
