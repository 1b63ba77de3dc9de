import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'browser');
/**
 * The script-tag build with every signal, 8 KiB: below every peer's full SDK (web-vitals'
 * attribution build alone is about 5 KB, aws-rum-web's slim build about 10 KB, SpeedCurve LUX 10.4 KB).
 */
export const SIZE_BUDGET_BYTES = 8 * 1024;

/** Builds the browser SDK: an ES module for bundlers and a minified IIFE for a script tag. */
export async function buildBrowserSdk(outDir = OUT): Promise<{ esm: string; iife: string; iifeBrotli: number; webVitalsBrotli: number }> {
  mkdirSync(outDir, { recursive: true });
  await build({ ...BROWSER_BUILD, entryPoints: [join(ROOT, 'packages/browser/src/index.ts')], format: 'esm', outfile: join(outDir, 'vitalstream.esm.js') });
  const iife = join(outDir, 'vitalstream.min.js');
  const { brotli } = await buildScriptTag(iife);
  const webVitals = readFileSync(join(ROOT, 'node_modules/web-vitals/dist/web-vitals.iife.js'));
  return { esm: join(outDir, 'vitalstream.esm.js'), iife, iifeBrotli: brotli, webVitalsBrotli: brotliCompressSync(webVitals).length };
}

const BROWSER_BUILD = { bundle: true, minify: true, target: ['es2020'], platform: 'browser' as const, legalComments: 'none' as const };

/** The script-tag build alone (what the browser package ships as `@vitalstream/browser/script`). */
export async function buildScriptTag(outfile: string): Promise<{ bytes: number; brotli: number }> {
  await build({ ...BROWSER_BUILD, entryPoints: [join(ROOT, 'packages/browser/src/script-tag.ts')], format: 'iife', outfile });
  const script = readFileSync(outfile);
  return { bytes: script.length, brotli: brotliCompressSync(script).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await buildBrowserSdk();
  const line = `browser SDK: ${result.iife} is ${result.iifeBrotli} B brotli (budget ${SIZE_BUDGET_BYTES} B); web-vitals alone is ${result.webVitalsBrotli} B`;
  writeFileSync(join(OUT, 'size.txt'), `${line}\n`);
  console.log(line);
  if (result.iifeBrotli > SIZE_BUDGET_BYTES) {
    console.error(`over the size budget by ${result.iifeBrotli - SIZE_BUDGET_BYTES} B`);
    process.exit(1);
  }
}
