import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The few files the local runner serves besides the API: the demo page and the built browser SDK. */
const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: join(ROOT, 'dashboard/index.html'), type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { path: join(ROOT, 'dashboard/app.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { path: join(ROOT, 'dashboard/style.css'), type: 'text/css; charset=utf-8' },
  '/dashboard/uplot.js': { path: join(ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard/uplot.css': { path: join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  '/demo': { path: join(ROOT, 'local/static/demo.html'), type: 'text/html; charset=utf-8' },
  '/demo/hero.svg': { path: join(ROOT, 'local/static/hero.svg'), type: 'image/svg+xml' },
  '/sdk/vitalstream.min.js': { path: join(ROOT, 'dist/browser/vitalstream.min.js'), type: 'text/javascript; charset=utf-8' },
  '/sdk/vitalstream.esm.js': { path: join(ROOT, 'dist/browser/vitalstream.esm.js'), type: 'text/javascript; charset=utf-8' },
};

export type StaticFile = { status: 200; type: string; body: Buffer } | { status: 404; message: string };

export async function staticFile(pathname: string): Promise<StaticFile | undefined> {
  const file = FILES[pathname];
  if (!file) return undefined;
  try {
    return { status: 200, type: file.type, body: await readFile(file.path) };
  } catch {
    return { status: 404, message: `${pathname} is not built yet: run npm run build (npm start does it)` };
  }
}
