import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { transform } from 'esbuild';
import { buildScriptTag, SIZE_BUDGET_BYTES } from './build-browser.ts';

const ROOT = resolve(import.meta.dirname, '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface PackageBuild {
  dir: string;
  /** Node packages get a CommonJS copy beside the ES modules, for `require`. */
  commonJs: boolean;
  /** Plain files the built code loads at run time, copied beside it. */
  assets?: string[];
  after?: (dist: string) => Promise<void>;
}

const PACKAGES: Record<string, PackageBuild> = {
  protocol: { dir: 'packages/protocol', commonJs: true },
  node: { dir: 'packages/node', commonJs: true, assets: ['send-worker.mjs'] },
  browser: {
    dir: 'packages/browser',
    commonJs: false,
    async after(dist) {
      const { bytes, brotli } = await buildScriptTag(join(dist, 'vitalstream.min.js'));
      console.log(`  script build: ${bytes} B, ${brotli} B brotli (budget ${SIZE_BUDGET_BYTES} B)`);
      if (brotli > SIZE_BUDGET_BYTES) throw new Error(`the script build is over its size budget by ${brotli - SIZE_BUDGET_BYTES} B`);
    },
  },
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

/**
 * tsc writes the ES modules and their declarations (rewriting `./x.ts` imports to `./x.js`); the
 * CommonJS copy is esbuild's per-file transform of that output, in `dist/cjs` under a package.json
 * that says commonjs, with the declarations copied so `require` users get types of the right kind.
 */
async function buildPackage(name: string): Promise<void> {
  const spec = PACKAGES[name];
  if (!spec) throw new Error(`unknown package "${name}"; choose from ${Object.keys(PACKAGES).join(', ')}`);
  const dir = join(ROOT, spec.dir);
  const dist = join(dir, 'dist');
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  for (const asset of spec.assets ?? []) copyFileSync(join(dir, 'src', asset), join(dist, asset));
  if (spec.commonJs) {
    const cjs = join(dist, 'cjs');
    for (const file of filesUnder(dist)) {
      const target = join(cjs, relative(dist, file));
      mkdirSync(dirname(target), { recursive: true });
      if (file.endsWith('.js')) {
        const { code } = await transform(readFileSync(file, 'utf8'), {
          format: 'cjs',
          target: 'node20',
          // import.meta does not exist in CommonJS: the worker's URL is built from __filename there.
          define: { 'import.meta.url': '__vitalstreamModuleUrl' },
          banner: 'const __vitalstreamModuleUrl = require("node:url").pathToFileURL(__filename).href;',
        });
        writeFileSync(target, code);
      } else {
        copyFileSync(file, target);
      }
    }
    writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  }
  await spec.after?.(dist);
  console.log(`built ${name} (${spec.dir}/dist) in ${Date.now() - started} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    console.error(`usage: build-package.ts <${Object.keys(PACKAGES).join('|')}> ...`);
    process.exit(2);
  }
  for (const name of names) await buildPackage(name);
}
