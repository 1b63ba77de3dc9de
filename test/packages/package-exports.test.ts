import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportsFor, PACKAGE_DIRS, readPackage } from '../../scripts/package-exports.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe("the packages' exports maps", () => {
  it.each(PACKAGE_DIRS)('%s: its exports are the ones its entryPoints generate (npm run generate:exports), each from a module of its own', (dir) => {
    const pkg = readPackage(dir);
    expect(pkg.exports).toEqual(exportsFor(pkg.entryPoints));
    for (const module of Object.values(pkg.entryPoints.modules))
      expect(existsSync(join(ROOT, dir, 'src', `${module}.ts`)), `${dir}/src/${module}.ts`).toBe(true);
  });
});
