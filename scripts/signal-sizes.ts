import { build, type Plugin } from 'esbuild';
import { join, resolve } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');

const stub = (...names: string[]) => names.map((name) => `export const ${name} = { name: '${name}', start() {} };`).join(' ');

/** Each signal module with what a stub of it exports: the build without that signal costs that much less. */
const SIGNALS: [label: string, file: string, stub: string][] = [
  ['Core Web Vitals (web-vitals 6 and attribution)', 'signals/web-vitals.ts', stub('webVitals')],
  ['resource timing', 'signals/resources.ts', stub('resources')],
  ['navigation timing', 'signals/navigation.ts', stub('navigation')],
  ['long tasks and long animation frames', 'signals/long-tasks.ts', stub('longTasks')],
  ['slow interactions and rage clicks', 'signals/interactions.ts', stub('interactions', 'rageClicks')],
  ['JavaScript errors', 'signals/errors.ts', stub('jsErrors')],
  ['Server-Timing', 'signals/server-timing.ts', stub('serverTiming')],
  ['user-experience score', 'signals/ux-score.ts', stub('userExperienceScore')],
  ['back/forward cache', 'signals/back-forward-cache.ts', stub('backForwardCache')],
];

const stubbing = (file: string, contents: string): Plugin => ({
  name: 'stub',
  setup(b) {
    b.onLoad({ filter: new RegExp(`${file.replace(/[.\\/]/g, (c) => `\\${c}`)}$`) }, () => ({ contents, loader: 'ts' }));
  },
});

async function brotliSize(plugins: Plugin[] = []): Promise<number> {
  const result = await build({
    entryPoints: [join(ROOT, 'packages/browser/src/script-tag.ts')],
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    minify: true,
    legalComments: 'none',
    write: false,
    plugins,
  });
  return brotliCompressSync(result.outputFiles[0]!.contents).length;
}

const whole = await brotliSize();
const rows = [];
for (const [label, file, stub] of SIGNALS) rows.push([label, whole - (await brotliSize([stubbing(file, stub)]))] as const);
const signals = rows.reduce((n, [, bytes]) => n + bytes, 0);
console.log(`browser SDK default build: ${whole} B brotli; what each signal adds (the build without it is that much smaller):`);
for (const [label, bytes] of rows) console.log(`  ${label.padEnd(48)} ${String(bytes).padStart(5)} B`);
console.log(`  ${'the collector, context and transport'.padEnd(48)} ${String(whole - signals).padStart(5)} B`);
