import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout's import rules, checked over the real import graph of every tracked source file
 * (type-only imports included: a cycle of types still ties the modules together).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js', '*.mjs'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && !f.startsWith('dist/'));

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"](\.[^'"]+)['"],\s*import\.meta\.url\)/g;

interface Edge {
  from: string;
  to: string;
}
const graph = new Map<string, string[]>();
const packages = new Map<string, string[]>();
for (const file of SOURCES) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3]!;
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file), specifier));
      graph.set(file, [...(graph.get(file) ?? []), target]);
    } else {
      packages.set(file, [...(packages.get(file) ?? []), specifier]);
    }
  }
}
const edges: Edge[] = [...graph.entries()].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

/** Which folders a folder's files may import (relative imports), by the layout table in the README. */
const MAY_IMPORT: Record<string, (target: string) => boolean> = {
  src: under('src'),
  // The shared package stands alone: the SDKs and the server import it by name, never it them.
  'packages/protocol': under('packages/protocol'),
  // The dashboard function serves the files its manifest lists. Neither runtime imports the other:
  // what both need beyond the core (worker threads) is in runtime/.
  lambdas: (t) => under('lambdas')(t) || under('runtime')(t) || under('src')(t) || t === 'dashboard/manifest.ts',
  local: (t) => under('local')(t) || under('runtime')(t) || under('src')(t) || t === 'dashboard/manifest.ts',
  runtime: (t) => under('runtime')(t) || under('src')(t),
  // The stack reads the API's route table, the settings and the dashboard's file list: data, no behaviour.
  lib: (t) => under('lib')(t) || t === 'dashboard/manifest.ts' || t === 'src/api/routes.ts' || t === 'src/settings.ts',
  bin: under('lib'),
  // A published package can hold only its own files: what it shares with the server comes from @vitalstream/protocol.
  'packages/node': under('packages/node'),
  'packages/browser': under('packages/browser'),
  dashboard: under('dashboard'),
  // Benchmarks, command-line tools and build scripts run the product's code; tests are not product code.
  bench: (t) => !under('test')(t),
  cli: (t) => !under('test')(t),
  scripts: (t) => !under('test')(t),
};

describe('import rules', () => {
  it('reads a graph worth checking', () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  for (const [folder, allowed] of Object.entries(MAY_IMPORT)) {
    it(`${folder}/ imports only what the layout allows`, () => {
      const broken = edges.filter((e) => under(folder)(e.from) && !(folder.startsWith('packages/') ? false : under('packages')(e.from)) && !allowed(e.to));
      expect(broken.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    });
  }

  // Inward only: entry points wire adapters and use cases; handlers and middleware turn events into
  // use-case calls; adapters implement ports; use cases know nothing of any of them.
  const INWARD: [string, (target: string) => boolean][] = [
    ['src/app', (t) => under('src')(t)],
    ['lambdas/adapters', (t) => under('lambdas/adapters')(t) || under('src')(t)],
    ['lambdas/middleware', (t) => under('lambdas/middleware')(t) || under('src')(t)],
    ['local/adapters', (t) => under('local/adapters')(t) || under('src')(t)],
    // The edge serves the dashboard's files by its manifest.
    ['local/edge', (t) => under('local/edge')(t) || under('local/adapters')(t) || under('src')(t) || t === 'dashboard/manifest.ts'],
  ];
  for (const [folder, allowed] of INWARD) {
    it(`${folder}/ imports only inward (toward the use cases and the core)`, () => {
      expect(edges.filter((e) => under(folder)(e.from) && !allowed(e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    });
  }

  it('keeps handler files thin: a file directly in lambdas/ imports no entry point (lambdas/aws/) and no adapter', () => {
    const handlers = SOURCES.filter((f) => /^lambdas\/[^/]+\.ts$/.test(f));
    const broken = edges.filter((e) => handlers.includes(e.from) && (under('lambdas/aws')(e.to) || under('lambdas/adapters')(e.to)));
    expect(handlers.length).toBeGreaterThanOrEqual(6);
    expect(broken.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    // And short: a handler only wires an event to a use case.
    const long = handlers.map((f) => [f, readFileSync(join(ROOT, f), 'utf8').trimEnd().split('\n').length] as const).filter(([, lines]) => lines > 40);
    expect(long).toEqual([]);
  });

  it('keeps the core free of I/O: src/ and the shared package (its Kinesis writer aside) import no AWS SDK, no network, file or process module', () => {
    const forbidden = /^(@aws-sdk\/|@smithy\/|node:(fs|http|https|net|child_process|worker_threads|sqlite)|fs$|http$|aws-lambda$)/;
    const pure = (file: string) =>
      under('src')(file) ||
      (under('packages/protocol/src')(file) && !under('packages/protocol/src/kinesis')(file) && file !== 'packages/protocol/src/kinesis.ts');
    const broken = [...packages.entries()]
      .filter(([file]) => pure(file))
      .flatMap(([file, specs]) => specs.filter((s) => forbidden.test(s)).map((s) => `${file} -> ${s}`));
    expect(broken).toEqual([]);
    const env = SOURCES.filter(pure).filter((file) => /process\.env/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(env).toEqual([]);
  });

  it("keeps the shared package's root entry free of dependencies: a browser bundle and the server SDK's core import it", () => {
    const reachable = new Set<string>();
    const walk = (file: string) => {
      if (reachable.has(file)) return;
      reachable.add(file);
      for (const next of graph.get(file) ?? []) walk(next);
    };
    walk('packages/protocol/src/index.ts');
    const typeOnly = (file: string, spec: string) =>
      new RegExp(`import\\s+type[^;]*['"]${spec.replace(/[/.]/g, '\\$&')}['"]`).test(readFileSync(join(ROOT, file), 'utf8'));
    const loaded = [...reachable].flatMap((file) => (packages.get(file) ?? []).filter((spec) => !typeOnly(file, spec)).map((spec) => `${file} -> ${spec}`));
    expect(reachable.size).toBeGreaterThan(5);
    expect(loaded).toEqual([]);
  });

  it('keeps handlers out of the SDKs: no SDK file imports a handler', () => {
    const handlers = SOURCES.filter((f) => /^lambdas\/[^/]+\.ts$/.test(f));
    expect(edges.filter((e) => under('sdk')(e.from) && handlers.includes(e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('keeps the anomaly detector apart from the forecasts: anomaly/ imports nothing of forecast/', () => {
    expect(edges.filter((e) => under('src/analysis/anomaly')(e.from) && under('src/analysis/forecast')(e.to)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
