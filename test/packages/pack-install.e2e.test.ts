import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bench/support/chromium.ts';
import { startLocalProcess, waitFor, type LocalProcess } from '../../bench/support/local-process.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

/**
 * The SDKs as a team gets them: the workspaces packed into tarballs, installed with npm into an
 * app outside the repository, and run on plain Node (no tsx, no TypeScript) against `npm start`.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const work = tempDir('vitalstream-packed-');
const appDir = join(work.path, 'app');
let tarballs: string[] = [];
let server: LocalProcess;
let data: ReturnType<typeof tempDir>;

const sh = async (command: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  (await run(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false', ...env }, maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * The Node the tests run on (the project's 22), and the machine's own Node where it is another
 * release line (Debian's 20 here): the package promises both.
 */
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
});
const NODES = [process.execPath, ...(systemNode ? [systemNode] : [])];

interface Answer {
  series: { dimensions: Record<string, string>; points: { count: number }[] }[];
}
const countsByEndpoint = async (app: string): Promise<Record<string, number>> => {
  const answer = (await (await fetch(`${server.url}/v1/aggregates?metric=api_request&app=${app}&group_by=endpoint`)).json()) as Answer;
  return Object.fromEntries(answer.series.map((s) => [s.dimensions.endpoint, s.points.reduce((n, p) => n + p.count, 0)]));
};

beforeAll(async () => {
  // prepack builds each package, as it would before a publish.
  await sh('npm', ['pack', '--workspaces', '--pack-destination', work.path], ROOT);
  tarballs = readdirSync(work.path)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(work.path, f));
  await sh('mkdir', ['-p', appDir], work.path);
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, version: '1.0.0' }));
  // express and opossum are installed so that the core's not loading them is shown, not assumed.
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'express@5', 'opossum@9', '@types/node@22'], appDir);
  data = tempDir();
  server = await startLocalProcess({ VITALSTREAM_DATA_DIR: data.path });
}, 300_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  data?.remove();
  work.remove();
});

const EXPRESS_APP = (syntax: 'esm' | 'cjs', app: string) => `
${
  syntax === 'esm'
    ? "import express from 'express';\nimport { createMonitor } from '@vitalstream/node';\nimport { vitalstreamExpress } from '@vitalstream/node/express';"
    : "const express = require('express');\nconst { createMonitor } = require('@vitalstream/node');\nconst { vitalstreamExpress } = require('@vitalstream/node/express');"
}
const monitor = createMonitor({ app: '${app}', endpoint: process.env.BEACON_URL, onError: (e) => console.error(e.message) });
const app = express();
vitalstreamExpress(app, monitor);
app.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
app.post('/orders', (req, res) => res.status(201).end());
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  for (let i = 0; i < 30; i++) await fetch(base + '/items/' + (1000 + i));
  for (let i = 0; i < 12; i++) await fetch(base + '/orders', { method: 'POST' });
  server.close();
  console.log(JSON.stringify(await monitor.shutdown()));
});
`;

const INTEGRATIONS_APP = `
import Fastify from 'fastify';
import pg from 'pg';
import mysql2 from 'mysql2';
import mysql2Promise from 'mysql2/promise';
import { createMonitor } from '@vitalstream/node';
import { vitalstreamFastify } from '@vitalstream/node/fastify';
import { instrumentPg } from '@vitalstream/node/pg';
import { instrumentMysql2 } from '@vitalstream/node/mysql2';
import { instrumentFetch } from '@vitalstream/node/fetch';
import { instrumentRedis } from '@vitalstream/node/redis';
import { createClient } from 'redis';
const monitor = createMonitor({ app: process.env.APP, endpoint: process.env.BEACON_URL, onError: (e) => console.error(e.message) });
const stopRedis = instrumentRedis(monitor, { intervalMs: 60_000 });
const redis = createClient({ url: 'redis://127.0.0.1:6379' });
await redis.connect();
instrumentPg(monitor, pg);
instrumentMysql2(monitor, mysql2);
instrumentFetch(monitor);
const postgres = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
const maria = mysql2Promise.createPool({ host: '127.0.0.1', user: 'root', password: '', database: 'test' });
await redis.set(process.env.APP + ':order:1', 'cached');
const app = Fastify();
await app.register(vitalstreamFastify(monitor));
app.get('/orders/:id', async (request) => {
  // Orders with an odd id are cached: over ids 100 to 104, two hits and three misses.
  await redis.get(process.env.APP + ':order:' + (request.params.id % 2));
  await postgres.query('SELECT $1::int AS id', [request.params.id]);
  await maria.query('SELECT ? AS id', [request.params.id]);
  return { id: request.params.id };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = 'http://127.0.0.1:' + app.server.address().port;
let serverTiming;
for (let i = 0; i < 5; i++) {
  const answer = await fetch(base + '/orders/' + (100 + i));
  serverTiming = answer.headers.get('server-timing');
  await answer.text();
}
await app.close();
stopRedis();
await redis.quit();
await postgres.end();
await maria.end();
console.log(JSON.stringify({ serverTiming, report: await monitor.shutdown() }));
`;

describe('the packed SDKs, installed with npm into an app of its own', () => {
  it('ships built JavaScript and declarations, no TypeScript source', async () => {
    expect(tarballs.map((t) => t.replace(/.*\//, '')).sort()).toEqual([
      'vitalstream-browser-0.1.0.tgz',
      'vitalstream-node-0.1.0.tgz',
      'vitalstream-protocol-0.1.0.tgz',
    ]);
    const listing = await sh('tar', ['-tzf', tarballs.find((t) => t.includes('-node-'))!], work.path);
    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/cjs/index.js');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing).toContain('package/dist/send-worker.mjs');
    expect(listing.split('\n').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it.each(
    NODES.flatMap(
      (node, n) =>
        [
          ['esm', node, 'app.mjs', n],
          ['cjs', node, 'app.cjs', n],
        ] as const,
    ),
  )(
    'an Express app (%s) on plain Node at %s: every request arrives under its route template',
    async (syntax, node, file, n) => {
      const app = `packed-${syntax}-${n}`;
      writeFileSync(join(appDir, file), EXPRESS_APP(syntax, app));
      const version = (await sh(node, ['--version'], appDir)).trim();
      expect(version).toMatch(/^v(20\.(19|[2-9]\d)|2[2-9])\./);
      const output = await sh(node, [file], appDir, { BEACON_URL: `${server.url}/v1/beacon` });
      expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ delivered: true, undelivered: 0, timedOut: false });
      const counts = await waitFor(
        async () => {
          const seen = await countsByEndpoint(app);
          return seen['/items/:id'] === 30 && seen['/orders'] === 12 ? seen : undefined;
        },
        15_000,
        `${app}'s requests in /v1/aggregates`,
      );
      expect(counts).toEqual({ '/items/:id': 30, '/orders': 12 });
    },
    60_000,
  );

  describe('Fastify 5, pg, mysql2, node-redis and fetch, each instrumented, on plain Node 20 and 22', () => {
    // An app directory of its own: the first one must not have these installed (the core import's test).
    const integrationsDir = join(work.path, 'integrations');
    beforeAll(async () => {
      await sh('mkdir', ['-p', integrationsDir], work.path);
      writeFileSync(join(integrationsDir, 'package.json'), JSON.stringify({ name: 'packed-integrations', private: true, version: '1.0.0', type: 'module' }));
      await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'fastify@5', 'pg@8', 'mysql2@3', 'redis@6'], integrationsDir);
      writeFileSync(join(integrationsDir, 'app.mjs'), INTEGRATIONS_APP);
    }, 300_000);

    it.each(NODES.map((node, n) => [node, n] as const))(
      'on %s: requests by route, queries by database, cache hits, outgoing calls, and the Server-Timing join entries',
      async (node, n) => {
        const app = `packed-integrations-${n}`;
        const output = await sh(node, ['app.mjs'], integrationsDir, { BEACON_URL: `${server.url}/v1/beacon`, APP: app });
        const { serverTiming, report } = JSON.parse(output.trim().split('\n').at(-1)!) as { serverTiming: string; report: unknown };
        expect(report).toEqual({ delivered: true, undelivered: 0, timedOut: false });
        expect(serverTiming).toMatch(/^app;dur=[\d.]+;desc="GET \/orders\/:id", traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/);
        const count = async (metric: string, groupBy: string) => {
          const search = new URLSearchParams({ metric, app, group_by: groupBy });
          const answer = (await (await fetch(`${server.url}/v1/aggregates?${search}`)).json()) as Answer;
          return Object.fromEntries(answer.series.map((s) => [s.dimensions[groupBy], s.points.reduce((k, p) => k + p.count, 0)]));
        };
        await waitFor(async () => ((await count('api_request', 'endpoint'))['/orders/:id'] === 5 ? true : undefined), 15_000, `${app}'s requests`);
        expect(await count('api_request', 'endpoint')).toEqual({ '/orders/:id': 5 });
        expect(await count('database_query', 'database')).toEqual({ postgresql: 5, mysql: 5 });
        expect(await count('external_api_call', 'endpoint')).toEqual({ '/orders/:id': 5 });
        const hitRate = (await (await fetch(`${server.url}/v1/aggregates?metric=cache_hit_rate&app=${app}&key_prefix=${app}&step=total`)).json()) as {
          series: { points: { avg: number }[] }[];
        };
        expect(hitRate.series[0]!.points[0]!.avg).toBeCloseTo(2 / 5, 6);
        // Every command after instrumentRedis, from node-redis's TracingChannel: the SET and the five GETs among them.
        expect(await count('cache_command', 'command')).toMatchObject({ SET: 1, GET: 5 });
      },
      60_000,
    );
  });

  it("the core import loads no optional peer; an instrumentation's subpath loads its own", async () => {
    const probe = (subpath: string) => `
      require(${JSON.stringify(subpath)});
      const packages = new Set(Object.keys(require.cache).map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean));
      console.log(JSON.stringify([...packages].sort()));`;
    const loaded = async (subpath: string) => JSON.parse(await sh(process.execPath, ['-e', probe(subpath)], appDir)) as string[];
    expect(await loaded('@vitalstream/node')).toEqual(['@datadog/sketches-js', '@vitalstream/node', '@vitalstream/protocol']);
    expect(await loaded('@vitalstream/node/circuit-breaker')).toContain('opossum');
    // The ES module build too: pg, mysql2, axios and the AWS SDK are not installed, so importing any of them would fail.
    const esm = await sh(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('@vitalstream/node'); console.log(typeof m.createMonitor)"],
      appDir,
    );
    expect(esm.trim()).toBe('function');
  });

  it('types resolve under moduleResolution nodenext, for both packages', async () => {
    writeFileSync(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          lib: ['es2023', 'dom'],
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['check.mts'],
      }),
    );
    writeFileSync(
      join(appDir, 'check.mts'),
      `
import { createMonitor, type Monitor, type ShutdownReport } from '@vitalstream/node';
import { instrumentPg } from '@vitalstream/node/pg';
import { init, webVitals, jsErrors, type Collector } from '@vitalstream/browser';
const monitor: Monitor = createMonitor({ app: 'typed', endpoint: 'http://127.0.0.1/v1/beacon' });
monitor.record({ name: 'custom_jobs', value: 1, unit: 'count' });
const report: Promise<ShutdownReport> = monitor.shutdown();
void report; void instrumentPg;
const collector: Collector = init({ endpoint: '/v1/beacon', app: 'typed-web', signals: [webVitals, jsErrors] });
collector.stop();
// @ts-expect-error a unit the beacon schema does not know
monitor.record({ name: 'custom_jobs', value: 1, unit: 'furlongs' });
`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: appDir }).then(
      () => 'ok',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('ok');
  }, 60_000);

  describe('a page bundled with esbuild from @vitalstream/browser', () => {
    let browser: Browser;
    let bundle: string;
    beforeAll(async () => {
      writeFileSync(
        join(appDir, 'page.js'),
        `
import { init, webVitals } from '@vitalstream/browser';
window.collector = init({ endpoint: '/v1/beacon', app: 'packed-web', dropBots: false, signals: [webVitals] });
window.problems = [];
init({ endpoint: '/v1/beacon', app: 'packed-web', dropBots: false, onError: (problem) => window.problems.push(problem) }).stop();
`,
      );
      await build({
        entryPoints: [join(appDir, 'page.js')],
        bundle: true,
        minify: true,
        format: 'esm',
        outfile: join(appDir, 'page.bundle.js'),
        absWorkingDir: appDir,
        logLevel: 'silent',
      });
      bundle = readFileSync(join(appDir, 'page.bundle.js'), 'utf8');
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => browser?.close());

    it('ships only the signal it imports', () => {
      expect(bundle).toContain('web_vitals_');
      for (const other of [
        'long_animation_frame',
        'rage_click',
        'resource_transfer_size',
        'js_error',
        'user_experience_score',
        'back_forward_navigation',
        'bfcache_blocked',
      ])
        expect(bundle).not.toContain(other);
    });

    it('sends its vitals to the pipeline, and stop() ends them', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Served from the pipeline's own origin, so the page's beacons go to it as a site's would.
      await page.route(`${server.url}/packed/**`, (route) =>
        route.fulfill(
          route.request().url().endsWith('.js')
            ? { contentType: 'text/javascript', body: bundle }
            : { contentType: 'text/html', body: '<!doctype html><h1>Packed</h1><p>A page.</p><script type="module" src="/packed/page.bundle.js"></script>' },
        ),
      );
      await page.goto(`${server.url}/packed/index.html`, { waitUntil: 'load' });
      await page.waitForFunction('window.collector && window.collector.signals.length === 1');
      expect(await page.evaluate('window.collector.signals')).toEqual(['webVitals']);
      // A call that names no signals (plain JavaScript has no type checker to say so) is told what to pass.
      expect(await page.evaluate('window.problems')).toEqual([{ kind: 'no-signals', count: 0, reason: expect.stringMatching(/pass signals: allSignals\(\)/) }]);
      await page.waitForTimeout(300);
      await page.evaluate('window.collector.stop()');
      const ttfb = await waitFor(
        async () => {
          const answer = (await (await fetch(`${server.url}/v1/aggregates?metric=web_vitals_ttfb&app=packed-web`)).json()) as Answer;
          const count = answer.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
          return count > 0 ? count : undefined;
        },
        15_000,
        "the packed page's TTFB",
      );
      expect(ttfb).toBe(1);
      // Stopped: hiding the page sends nothing more.
      await page.evaluate(
        `Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true }); document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));`,
      );
      await page.waitForTimeout(500);
      const lcp = (await (await fetch(`${server.url}/v1/aggregates?metric=web_vitals_lcp&app=packed-web`)).json()) as Answer;
      expect(lcp.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0)).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  it('reports the installed sizes', () => {
    const sizeOf = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
    const sizes = Object.fromEntries(['node', 'browser', 'protocol'].map((name) => [name, sizeOf(join(appDir, 'node_modules/@vitalstream', name))]));
    console.log(
      `installed: ${Object.entries(sizes)
        .map(([name, bytes]) => `@vitalstream/${name} ${(bytes / 1024).toFixed(0)} KiB`)
        .join(', ')}`,
    );
    for (const bytes of Object.values(sizes)) expect(bytes).toBeGreaterThan(1000);
  });
});
