import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '../bench/support/chromium.ts';
import { startLocalProcess, waitFor } from '../bench/support/local-process.ts';
import { tempDir } from '../bench/support/temp-dir.ts';

/**
 * The README's dashboard pictures, taken from demo data: `VITALSTREAM_DEMO=1 npm start` on a fresh
 * data directory, then headless Chromium at a laptop's width on the page table and on one route's
 * page view. Usage: npm run screenshots (Chromium as the tests use it; `node scripts/ensure-chromium.mjs` installs it).
 */
const OUT = resolve(import.meta.dirname, '../docs/images');
mkdirSync(OUT, { recursive: true });
const dir = tempDir('vitalstream-screenshots-');
console.log('starting npm start with demo traffic…');
const server = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_DEMO: '1' });
const browser = await launchChromium();
try {
  await waitFor(async () => (/backfill done/.test(server.output()) ? true : undefined), 120_000, 'the demo backfill');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const shoot = async (path: string, selector: string, file: string) => {
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(selector);
    await page.waitForTimeout(500);
    await page.locator(selector).screenshot({ path: join(OUT, file) });
    console.log(`wrote docs/images/${file}`);
  };
  await shoot('/', '#pages table', 'page-table.png');
  await page.setViewportSize({ width: 1280, height: 1200 });
  await shoot(`/?page=${encodeURIComponent('/courses/:id')}`, '#page-view:not([hidden])', 'page-view.png');
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
  await server.exited;
  dir.remove();
}
