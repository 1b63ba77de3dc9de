import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Each package's `exports` map is generated from its short `entryPoints` list (subpath → module
 * under src/, or a file as it is), so a subpath is one line and points at the module itself:
 * no one-line re-export files. `npm run generate:exports` rewrites the maps; a test keeps them equal.
 */
const ROOT = resolve(import.meta.dirname, '..');
export const PACKAGE_DIRS = ['packages/protocol', 'packages/node', 'packages/browser'];

interface EntryPoints {
  /** Subpath → a module under src/ (without extension), built to dist/. */
  modules: Record<string, string>;
  /** Subpath → a file shipped as it is. */
  files?: Record<string, string>;
  /** Whether the package ships a CommonJS copy (dist/cjs) for `require`. */
  commonJs: boolean;
}

const built = (module: string, prefix = './dist') => ({ types: `${prefix}/${module}.d.ts`, default: `${prefix}/${module}.js` });

export function exportsFor(entryPoints: EntryPoints): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const [subpath, module] of Object.entries(entryPoints.modules))
    map[subpath] = entryPoints.commonJs ? { import: built(module), require: built(module, './dist/cjs') } : built(module);
  for (const [subpath, file] of Object.entries(entryPoints.files ?? {})) map[subpath] = file;
  map['./package.json'] = './package.json';
  return map;
}

export const readPackage = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { entryPoints: EntryPoints; exports: unknown };

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const dir of PACKAGE_DIRS) {
    const pkg = readPackage(dir);
    pkg.exports = exportsFor(pkg.entryPoints);
    writeFileSync(join(ROOT, dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    console.log(`${dir}/package.json: ${Object.keys(pkg.exports as object).length} exports from its entryPoints`);
  }
}
