import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DASHBOARD_FILES } from '../../dashboard/manifest.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The few files the local runner serves besides the API: the dashboard, the demo page and the built browser SDK. */
const FILES: Record<string, { path: string; type: string }> = {
  ...Object.fromEntries(Object.entries(DASHBOARD_FILES).map(([url, file]) => [url, { ...file, path: join(ROOT, file.path) }])),
  '/demo': { path: join(ROOT, 'local/demo/static/demo.html'), type: 'text/html; charset=utf-8' },
  '/demo/hero.svg': { path: join(ROOT, 'local/demo/static/hero.svg'), type: 'image/svg+xml' },
  '/demo/spa': { path: join(ROOT, 'local/demo/static/spa.html'), type: 'text/html; charset=utf-8' },
  '/demo/spa-routes': { path: join(ROOT, 'local/demo/static/spa-routes.html'), type: 'text/html; charset=utf-8' },
  '/sdk/vitalstream.min.js': { path: join(ROOT, 'dist/browser/vitalstream.min.js'), type: 'text/javascript; charset=utf-8' },
  '/sdk/vitalstream.esm.js': { path: join(ROOT, 'dist/browser/vitalstream.esm.js'), type: 'text/javascript; charset=utf-8' },
};

export type StaticFile = { status: 200; type: string; body: Buffer; readMs: number } | { status: 404; message: string };

export async function staticFile(pathname: string): Promise<StaticFile | undefined> {
  const file = FILES[pathname];
  if (!file) return undefined;
  try {
    const started = performance.now();
    const body = await readFile(file.path);
    return { status: 200, type: file.type, body, readMs: performance.now() - started };
  } catch {
    return { status: 404, message: `${pathname} is not built yet: run npm run build (npm start does it)` };
  }
}
