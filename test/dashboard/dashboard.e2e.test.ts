import { mkdirSync } from 'node:fs';
import { brotliCompressSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBeacons } from '../../bench/workload.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
let pipeline: TestPipeline;
let browser: Browser;
let page: Page;
const errors: string[] = [];

async function apiP75(metric: string, params: Record<string, string> = {}) {
  const now = Date.now();
  const answer = await pipeline.aggregates(metric, { from: String(now - 3_600_000), to: String(now), step: 'total', ...params });
  return answer.series[0]!.points[0]!;
}
const shown = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

beforeAll(async () => {
  pipeline = await startTestPipeline();
  for (const body of makeBeacons(400, Date.now() - 60_000)) {
    await fetch(pipeline.beaconUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  }
  await pipeline.pipeline.consumer.drained(10_000);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${pipeline.pipeline.url}/`);
  await page.waitForSelector('.card .value');
}, 60_000);

afterAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page?.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  await browser?.close();
  await pipeline?.close();
});

describe('dashboard', () => {
  it('shows each Core Web Vital p75 and sample count exactly as the query API reports them', async () => {
    for (const [metric, label] of [['web_vitals_lcp', 'LCP'], ['web_vitals_inp', 'INP'], ['web_vitals_ttfb', 'TTFB']] as const) {
      const point = await apiP75(metric);
      const card = page.locator(`.card[data-metric="${metric}"]`);
      await expect(card.locator('.name').textContent()).resolves.toBe(label);
      await expect(card.locator('.value').textContent()).resolves.toBe(shown(point.p75));
      await expect(card.locator('.meta').first().textContent()).resolves.toContain(`${point.count} samples`);
    }
  });

  it('draws the response time and throughput charts', async () => {
    await expect(page.locator('#latency canvas').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#throughput canvas').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#latency .u-legend').textContent()).resolves.toContain('p95 ms');
  });

  it('narrows every card when a filter changes, without reloading the page', async () => {
    await page.evaluate('window.__marker = 1');
    await page.selectOption('select[name="device"]', 'mobile');
    const point = await apiP75('web_vitals_lcp', { device: 'mobile' });
    await page.waitForFunction(`document.querySelector('.card[data-metric="web_vitals_lcp"] .meta')?.textContent?.includes('${point.count} samples')`);
    await expect(page.evaluate('window.__marker')).resolves.toBe(1);
  });

  it('loads the 24 h view, script and data, in well under 300 KiB compressed', async () => {
    const fresh = await browser.newPage();
    let bytes = 0;
    const pending: Promise<void>[] = [];
    fresh.on('response', (response) => pending.push(response.body().then((body) => void (bytes += brotliCompressSync(body).length), () => undefined)));
    await fresh.goto(`${pipeline.pipeline.url}/`);
    await fresh.waitForSelector('.card .value');
    pending.length = 0;
    bytes = 0;
    await fresh.reload();
    await fresh.waitForSelector('.card .value');
    await fresh.selectOption('select[name="range"]', '24h');
    await fresh.waitForTimeout(1000);
    await Promise.all(pending);
    console.log(`dashboard: page, scripts and the 24 h view's data = ${(bytes / 1024).toFixed(1)} KiB brotli`);
    expect(bytes).toBeLessThan(300 * 1024);
    await fresh.close();
  });

  it('tells a newcomer where to send beacons when there is no data, and logs no console errors', async () => {
    await page.fill('input[name="app"]', 'no-such-app');
    await page.dispatchEvent('form#filters', 'change');
    await page.waitForSelector('#empty:not([hidden])');
    await expect(page.locator('#empty').textContent()).resolves.toMatch(/No data yet: send beacons to POST http:\/\/127\.0\.0\.1:\d+\/v1\/beacon/);
    expect(errors).toEqual([]);
  });
});
