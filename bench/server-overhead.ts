import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
/** The apps of bench/hello-server.mjs, and its modes (there: what each measures). */
export type HelloApp = 'express' | 'fastify' | 'express-pg';
export type HelloMode = 'plain' | 'layer' | 'listener' | 'timing' | 'unsent' | 'instrumented' | 'padded' | 'channels' | 'floor' | 'plugin' | 'busy';

const ROOT = resolve(import.meta.dirname, '..');
/**
 * The Node the apps run on: the benchmark's own unless OVERHEAD_NODE names another (npm scripts run
 * the repository's Node 22; OVERHEAD_NODE=/usr/bin/node measures the machine's Node 20).
 */
const APP_NODE = process.env.OVERHEAD_NODE ?? process.execPath;
const APP_NODE_VERSION = spawnSync(APP_NODE, ['--version'], { encoding: 'utf8' }).stdout?.trim() || `unknown (${APP_NODE} did not run)`;
const PINNED = spawnSync('taskset', ['-p', '-c', '0', String(process.pid)]).status === 0;
/**
 * wrk where the machine has it (`apt-get install wrk`), else autocannon. autocannon parses answers
 * with a JavaScript parser in one event loop for both apps, so a longer answer (the SDK's
 * Server-Timing header, about 130 bytes) slowed the load on the instrumented app itself: a constant
 * header of that length read 87 % for hello-world Fastify with nothing computed.
 */
export const LOAD_GENERATOR = spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon';

export function load(url: string, seconds: number): Promise<unknown> {
  if (LOAD_GENERATOR === 'autocannon') return autocannon({ url, connections: 16, duration: seconds });
  const args = ['-t1', '-c16', `-d${seconds}s`, url];
  const child = PINNED ? spawn('taskset', ['-c', '0', 'wrk', ...args], { stdio: 'ignore' }) : spawn('wrk', args, { stdio: 'ignore' });
  return new Promise((done) => child.on('exit', done));
}

/** Where the instrumented apps really send their beacons: every one is read whole, counted and answered 202. */
export async function startBeaconSink(): Promise<{ url: string; readonly beacons: number; close(): void }> {
  let beacons = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      beacons += 1;
      response.writeHead(202).end('{"accepted":1}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/beacon`,
    get beacons() {
      return beacons;
    },
    close: () => server.close(),
  };
}

export interface App {
  child: ChildProcess;
  url: string;
}

export async function startApp(kind: HelloApp, mode: HelloMode, beaconUrl: string, options?: object, nodeOptions?: string): Promise<App> {
  // Both apps share core 1 and the load generator has core 0 (where taskset exists).
  const args = [resolve(ROOT, 'bench/hello-server.mjs'), kind, mode, beaconUrl];
  const env = { ...process.env, ...(options ? { HELLO_OPTIONS: JSON.stringify(options) } : {}), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  const child = PINNED
    ? spawn('taskset', ['-c', '1', APP_NODE, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(APP_NODE, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) =>
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(String(chunk));
      if (match) done(match[1]!);
    }),
  );
  return { child, url: `http://127.0.0.1:${port}/hello/world` };
}

interface Counters {
  cpuMicros: number;
  served: number;
  at: number;
}

/** What the app has served and the CPU time it has used, read from the app itself. */
export const counters = async (url: string): Promise<Counters> => {
  const usage = (await (await fetch(url.replace(/\/hello\/.*/, '/__cpu'))).json()) as { user: number; system: number; served: number };
  return { cpuMicros: usage.user + usage.system, served: usage.served, at: performance.now() };
};

interface Round {
  plainRps: number;
  instrumentedRps: number;
  plainCpu: number;
  instrumentedCpu: number;
}

/**
 * Loads both apps at once and measures the `seconds` in the middle, from each app's own count of
 * requests served: the two load generators do not start at the same instant (one once started a
 * second late, giving the other app the core to itself and the round a ratio near 0.5), so their
 * own totals do not cover the same window.
 */
async function loadBoth(plain: string, instrumented: string, seconds: number): Promise<Round> {
  const loading = Promise.all([plain, instrumented].map((url) => load(url, seconds + 2)));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = await Promise.all([counters(plain), counters(instrumented)]);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await Promise.all([counters(plain), counters(instrumented)]);
  await loading;
  const served = [0, 1].map((k) => after[k]!.served - before[k]!.served);
  const cpu = [0, 1].map((k) => after[k]!.cpuMicros - before[k]!.cpuMicros);
  return {
    plainRps: served[0]! / ((after[0]!.at - before[0]!.at) / 1000),
    instrumentedRps: served[1]! / ((after[1]!.at - before[1]!.at) / 1000),
    plainCpu: cpu[0]! / served[0]!,
    instrumentedCpu: cpu[1]! / served[1]!,
  };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
};

/**
 * The figure of a run: each pair of rounds (one started plain-first, the next instrumented-first)
 * is summarised by the geometric mean of its two ratios, and the figure is the median of those.
 * The later-started process of a pair runs faster, by 2 % for Express and by up to 40 % for the
 * much lighter Fastify app (whose rounds read 1.04 when started second and 0.67 to 0.85 when
 * started first), so a median of single rounds moved with how many rounds each order had.
 */
export const pairedRatio = (ratios: number[]): number => {
  const pairs: number[] = [];
  for (let i = 0; i + 1 < ratios.length; i += 2) pairs.push(Math.sqrt(ratios[i]! * ratios[i + 1]!));
  return median(pairs.length > 0 ? pairs : ratios);
};

/**
 * Requests per second of a hello-world Express app with and without the vitalstream
 * instrumentation (default settings; it really sends its beacons, to a sink server). The two apps
 * run as separate processes on the same core and are loaded at the same time, so the scheduler
 * shares the core between them and each round's ratio compares the two under the same conditions
 * (measured one after the other, identical apps differed by up to 5 % on this shared machine).
 * Every round starts a fresh pair, in alternating order, and warms it up for 6 s: a pair keeps its
 * own lead or lag for life (the later-started process ran about 2 % faster), so rounds on one pair
 * measured the pair as much as the instrumentation. The figure: see pairedRatio.
 */
export async function serverOverhead(
  rounds = 10,
  seconds = 3,
  onRound: (done: number, of: number) => void = () => undefined,
  mode: HelloMode = 'instrumented',
  baseline: HelloMode = 'plain',
  kind: HelloApp = 'express',
  options?: object,
) {
  const sink = await startBeaconSink();
  const beaconUrl = sink.url;
  const results: Round[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      // Fresh processes every round, started in alternating order: one pair of processes keeps
      // its own few-percent lead or lag for its whole life (plain against plain read 99.5 % in one
      // run and 102 % in another when one pair served every round), so rounds must not share a pair.
      const [plain, instrumented] =
        i % 2 === 0
          ? [await startApp(kind, baseline, beaconUrl), await startApp(kind, mode, beaconUrl, options)]
          : ([await startApp(kind, mode, beaconUrl, options), await startApp(kind, baseline, beaconUrl)].reverse() as [App, App]);
      try {
        // Long enough for the JIT to settle and for the monitor's first flush (5 s) to start its sender.
        await loadBoth(plain.url, instrumented.url, 4);
        results.push(await loadBoth(plain.url, instrumented.url, seconds));
      } finally {
        plain.child.kill();
        instrumented.child.kill();
      }
      onRound(i + 1, rounds);
    }
    return {
      plain: median(results.map((r) => r.plainRps)),
      instrumented: median(results.map((r) => r.instrumentedRps)),
      ratio: pairedRatio(results.map((r) => r.instrumentedRps / r.plainRps)),
      cpuPlain: median(results.map((r) => r.plainCpu)),
      cpuInstrumented: median(results.map((r) => r.instrumentedCpu)),
      cpuRatio: median(results.map((r) => r.plainCpu / r.instrumentedCpu)),
      ratios: results.map((r) => Number((r.instrumentedRps / r.plainRps).toFixed(3))),
      beacons: sink.beacons,
      pinned: PINNED,
    };
  } finally {
    sink.close();
  }
}

/**
 * One app alone under load: warmed for 4 s, then its counters read at both ends of a window of
 * `seconds` in the middle of the load, with `during` (by default, waiting) run inside the window.
 */
export async function measuredWindow(url: string, seconds: number, during = () => new Promise<unknown>((r) => setTimeout(r, seconds * 1000))) {
  await load(url, 4);
  const loading = load(url, seconds + 2);
  await new Promise((r) => setTimeout(r, 500));
  const before = await counters(url);
  await during();
  const after = await counters(url);
  await loading;
  return { before, after };
}

/** A variant of `cpuPerRequest`: an app in a mode, with instrumentation options. */
export interface CpuVariant {
  label: string;
  mode: HelloMode;
  options?: object;
}

/**
 * CPU time per request of each variant, each app alone on its core under the same load, variants
 * interleaved and the median of `reps` taken: what the instrumentation's parts cost in CPU,
 * without the side-by-side run's sharing of one core (whose start-order effect is largest on a
 * hello-world Fastify app).
 */
export async function cpuPerRequest(kind: HelloApp, variants: readonly CpuVariant[], reps = 3, seconds = 5) {
  const sink = await startBeaconSink();
  const beaconUrl = sink.url;
  const micros = variants.map(() => [] as number[]);
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [i, variant] of variants.entries()) {
        const app = await startApp(kind, variant.mode, beaconUrl, variant.options);
        try {
          const { before, after } = await measuredWindow(app.url, seconds);
          micros[i]!.push((after.cpuMicros - before.cpuMicros) / (after.served - before.served));
        } finally {
          app.child.kill();
        }
      }
    }
  } finally {
    sink.close();
  }
  // The least is reported beside the median: on a shared machine, noise only ever adds CPU time.
  return variants.map((variant, i) => ({ ...variant, micros: median(micros[i]!), least: Math.min(...micros[i]!), reps: micros[i]! }));
}

/** What each line of `npm run bench:overhead` measures, and the share of plain throughput it must keep. */
export const APPS: { kind: HelloApp; title: string; goal: number }[] = [
  { kind: 'express', title: 'Express', goal: 0.97 },
  { kind: 'fastify', title: 'Fastify', goal: 0.97 },
  { kind: 'express-pg', title: 'Express + pg + fetch, one PostgreSQL query a request', goal: 0.95 },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.env.ROUNDS ?? 10);
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = only.filter((name) => !APPS.some((a) => a.kind === name));
  if (unknown.length > 0) {
    console.error(`bench:overhead: no app named ${unknown.join(', ')}; the apps are ${APPS.map((a) => a.kind).join(', ')}`);
    process.exit(2);
  }
  /** One side-by-side run with a progress line on stderr, cleared when it is done. */
  const sideBySide = async (title: string, mode: HelloMode, baseline: HelloMode, kind: HelloApp, options?: object) => {
    const r = await serverOverhead(rounds, 3, (done, of) => process.stderr.write(`\r  ${title}: round ${done} of ${of}`), mode, baseline, kind, options);
    process.stderr.write('\r\x1b[K');
    return r;
  };
  /** The rounds and the CPU a request (baseline → measured) of a side-by-side result, as the extra lines print them. */
  const roundsAndCpu = (r: Awaited<ReturnType<typeof sideBySide>>) =>
    `(rounds ${r.ratios.join(' ')}); CPU a request ${r.cpuPlain.toFixed(1)} → ${r.cpuInstrumented.toFixed(1)} µs`;
  // The app that --cpu and --calibrate measure: Express when named, else Fastify.
  const partsKind: HelloApp = only.includes('express') ? 'express' : 'fastify';
  console.log(
    `server overhead: hello-world apps with and without the server SDK (Server-Timing and trace context on), side by side${PINNED ? ' on one core' : ''}, on Node ${APP_NODE_VERSION}, loaded by ${LOAD_GENERATOR}${LOAD_GENERATOR === 'wrk' ? '' : ' (install wrk for a load that does not slow on longer answers)'}, ${rounds} rounds, each a fresh pair started in alternating order; the figure is the median over pairs of rounds of their geometric mean:`,
  );
  for (const { kind, title, goal } of APPS.filter((a) => only.length === 0 || only.includes(a.kind))) {
    const r = await sideBySide(title, 'instrumented', 'plain', kind);
    console.log(
      `  ${title}: ${(100 * r.ratio).toFixed(1)} % of plain throughput (goal >= ${goal * 100} %: ${r.ratio >= goal ? 'met' : 'missed'}); ${Math.round(r.plain)} req/s plain, ${Math.round(r.instrumented)} instrumented; rounds ${r.ratios.join(' ')}; CPU per request ${r.cpuPlain.toFixed(1)} µs plain, ${r.cpuInstrumented.toFixed(1)} µs instrumented; ${r.beacons} beacons sent`,
    );
  }
  if (process.argv.includes('--cpu')) {
    // The app's parts in CPU per request, each alone on its core: plain, for Fastify plain with a constant header as
    // long as the SDK's Server-Timing (what the bytes cost), the design's floor (Node's two channels heard and that header
    // added in writeHead, nothing computed), instrumented without Server-Timing, without trace context, and in full.
    const parts = await cpuPerRequest(
      partsKind,
      [
        { label: 'plain', mode: 'plain' },
        ...(partsKind === 'fastify' ? [{ label: 'plain, padded header', mode: 'padded' as const }] : []),
        { label: 'floor: channels, header', mode: 'floor' },
        { label: 'no Server-Timing', mode: 'instrumented', options: { serverTiming: false } },
        { label: 'no trace context', mode: 'instrumented', options: { traceContext: false } },
        { label: 'instrumented', mode: 'instrumented' },
      ],
      Number(process.env.REPS ?? 5),
    );
    const [median, least] = [parts[0]!.micros, parts[0]!.least];
    for (const part of parts)
      console.log(
        `  ${partsKind} ${part.label.padEnd(24)} median ${part.micros.toFixed(2)} µs CPU a request (${(100 * (median / part.micros)).toFixed(1)} % of plain), least ${part.least.toFixed(2)} µs (${(100 * (least / part.least)).toFixed(1)} %); reps ${part.reps.map((m) => m.toFixed(2)).join(' ')}`,
      );
  }
  if (process.argv.includes('--breakdown')) {
    // Each part against the plain Express app, side by side: the differences between lines are the parts' costs.
    // 'plain' against itself shows what the method reads when there is no difference at all.
    for (const part of ['plain', 'layer', 'listener', 'timing', 'unsent'] as const) {
      const p = await sideBySide(part, part, 'plain', 'express');
      console.log(`  Express ${part.padEnd(9)} ${(100 * p.ratio).toFixed(1)} % of plain (rounds ${p.ratios.join(' ')})`);
    }
  }
  if (process.argv.includes('--calibrate')) {
    // What a known cost reads as: the plain app busy-waiting a fixed time on every request, against itself
    // without it. Beside the app's CPU a request, it says how many µs of added work a point of the figure is.
    for (const busyMicros of [1, 3]) {
      const r = await sideBySide(`busy ${busyMicros} µs`, 'busy', 'plain', partsKind, { busyMicros });
      console.log(`  ${partsKind} busy-waiting ${busyMicros} µs a request: ${(100 * r.ratio).toFixed(1)} % of plain ${roundsAndCpu(r)}`);
    }
  }
  if (process.argv.includes('--plugin')) {
    // Fastify's figure split in two: registering any plugin (one that does nothing) against the bare app, and the
    // SDK's plugin against the app with that empty plugin.
    for (const [mode, baseline, title] of [
      ['plugin', 'plain', 'an empty plugin against the bare app'],
      ['instrumented', 'plugin', 'instrumented against the app with an empty plugin'],
    ] as const) {
      const r = await sideBySide(title, mode, baseline, 'fastify');
      console.log(`  Fastify, ${title}: ${(100 * r.ratio).toFixed(1)} % ${roundsAndCpu(r)}`);
    }
  }
}
