import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/support/chromium.ts';
import { startLocalProcess, type LocalProcess } from '../../bench/support/local-process.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

export interface BrowserHarness {
  server: LocalProcess;
  browser: Browser;
  close(): Promise<void>;
}

/** A real `npm start` on a fresh data directory and headless Chromium, for the browser SDK's tests. */
export async function startBrowserHarness(
  env: Record<string, string> = {},
  chromiumOptions: Parameters<typeof launchChromium>[0] = {},
): Promise<BrowserHarness> {
  const dir = tempDir();
  const server = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, ...env });
  const browser = await launchChromium(chromiumOptions);
  return {
    server,
    browser,
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      dir.remove();
    },
  };
}

/**
 * Hides the page the way web-vitals' own tests do (headless Chromium never hides a page by
 * itself); browsers fire visibilitychange at the document and let it bubble to window.
 */
export const hidePage = (page: Page) =>
  page.evaluate(`
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
`);

/**
 * One visit to a page with the script-tag build: load it, wait for the collector, click `selector`
 * once (after 300 ms, and 400 ms for the interaction to paint), then hide and close the page so its
 * beacons leave.
 */
export async function visitAndClick(browser: Browser, url: string, selector: string): Promise<void> {
  const tab = await browser.newPage();
  await tab.goto(url, { waitUntil: 'load' });
  await tab.waitForFunction('window.vitalstream?.collector !== undefined');
  await tab.waitForTimeout(300);
  await tab.click(selector);
  await tab.waitForTimeout(400);
  await hidePage(tab);
  await tab.close();
}
