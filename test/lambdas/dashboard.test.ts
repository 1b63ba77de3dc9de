import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_FILES } from '../../dashboard/manifest.ts';
import { createDashboardHandler } from '../../lambdas/dashboard.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { headers, httpEvent, json, status } from '../helpers/http-events.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const reads: string[] = [];
const handler = createDashboardHandler({
  read: (path) => {
    reads.push(path);
    return readFile(join(ROOT, path));
  },
  logger: { error: () => undefined },
});
const get = (path: string, method = 'GET') => handler(httpEvent(method, path), localContext('dashboard'));

describe('dashboard handler', () => {
  it('serves every file of the manifest with its type and locked-down headers', async () => {
    for (const [url, file] of Object.entries(DASHBOARD_FILES)) {
      const result = await get(url);
      expect(status(result)).toBe(200);
      expect(headers(result)['content-type']).toBe(file.type);
      expect((result as { body: string }).body).toBe(await readFile(join(ROOT, file.path), 'utf8'));
    }
    const page = await get('/');
    expect(headers(page)['cache-control']).toBe('no-cache');
    expect(headers(page)['content-security-policy']).toContain("connect-src 'self'");
    expect(headers(page)['x-content-type-options']).toBe('nosniff');
  });

  it('refuses paths outside the manifest without touching the file system', async () => {
    reads.length = 0;
    for (const path of ['/dashboard/../package.json', '/dashboard/manifest.ts', '/etc/passwd', '/dashboard/constructor', '/__proto__']) {
      const result = await get(path);
      expect(status(result)).toBe(404);
      expect(json(result).message).toMatch(/^no dashboard file .*; the dashboard is at \/$/);
    }
    expect(reads).toEqual([]);
    expect(status(await get('/', 'POST'))).toBe(405);
  });

  it('answers a missing bundle file with a JSON 500, not a crash', async () => {
    const broken = createDashboardHandler({ read: () => Promise.reject(new Error('ENOENT')), logger: { error: () => undefined } });
    const result = await broken(httpEvent('GET', '/'), localContext('dashboard'));
    expect(status(result)).toBe(500);
  });
});
