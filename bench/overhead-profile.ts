import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { APPS, type HelloApp, type HelloMode, measuredWindow, startApp, startBeaconSink } from './server-overhead.ts';

/**
 * Where the server SDK's overhead goes, by function: each app (plain, then instrumented) alone on
 * its core under wrk, sampled by `perf record -e cpu-clock` (a software clock, so it works where
 * the machine exposes no hardware counters) with V8's perf map for JavaScript names. A sample's
 * time is divided by the requests served in the same window, so every function reads in ns a
 * request, and the two apps' profiles subtract. One pair's totals move by several percent from run
 * to run (two Fastify runs read 88.8 and 101.4 % of plain), so the throughput figure is the
 * side-by-side run's; this says which functions the instrumentation's time goes to.
 */
const SAMPLE_HZ = 5000;
const WINDOW_SECONDS = 5;
const ROOT = resolve(import.meta.dirname, '..');

type Profile = Map<string, number>;

async function profileApp(kind: HelloApp, mode: HelloMode, beaconUrl: string): Promise<{ nsBySymbol: Profile; requests: number }> {
  const app = await startApp(kind, mode, beaconUrl, undefined, '--perf-basic-prof');
  const data = join(tmpdir(), `vitalstream-overhead-${process.pid}-${mode}.perf`);
  try {
    const { before, after } = await measuredWindow(app.url, WINDOW_SECONDS, () => {
      const recording = spawn(
        'perf',
        ['record', '-e', 'cpu-clock', '-F', String(SAMPLE_HZ), '-p', String(app.child.pid), '-o', data, '--', 'sleep', String(WINDOW_SECONDS)],
        { stdio: 'ignore' },
      );
      return new Promise((done) => recording.on('exit', done));
    });
    const requests = after.served - before.served;
    const report = spawnSync('perf', ['report', '-i', data, '--no-children', '--sort', 'sym', '--stdio', '-n'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }).stdout;
    const nsBySymbol: Profile = new Map();
    for (const line of report.split('\n')) {
      const match = /^\s*[\d.]+%\s+(\d+)\s+\[.\]\s+(.+?)\s*$/.exec(line);
      if (!match) continue;
      const ns = (Number(match[1]) * (1e9 / SAMPLE_HZ)) / requests;
      nsBySymbol.set(match[2]!, (nsBySymbol.get(match[2]!) ?? 0) + ns);
    }
    return { nsBySymbol, requests };
  } finally {
    const exited = new Promise((done) => app.child.once('exit', done));
    app.child.kill();
    await exited;
    rmSync(data, { force: true });
    rmSync(join(tmpdir(), `perf-${app.child.pid}.map`), { force: true });
    // V8 writes an event log per isolate beside the perf map, in the app's working folder.
    for (const log of readdirSync(ROOT).filter((name) => name.startsWith('isolate-') && name.endsWith(`-${app.child.pid}-v8.log`))) rmSync(join(ROOT, log));
  }
}

const total = (profile: Profile) => [...profile.values()].reduce((a, b) => a + b, 0);

if (import.meta.url === `file://${process.argv[1]}`) {
  if (spawnSync('perf', ['--version']).error !== undefined) {
    console.error('bench:overhead:profile needs perf: apt-get install -y linux-perf');
    process.exit(1);
  }
  const kind = (process.argv[2] ?? 'fastify') as HelloApp;
  if (!APPS.some((a) => a.kind === kind)) {
    console.error(`bench:overhead:profile: no app named ${kind}; the apps are ${APPS.map((a) => a.kind).join(', ')}`);
    process.exit(2);
  }
  const top = Number(process.env.TOP ?? 25);
  const sink = await startBeaconSink();
  try {
    const plain = await profileApp(kind, 'plain', sink.url);
    const instrumented = await profileApp(kind, 'instrumented', sink.url);
    const [a, b] = [total(plain.nsBySymbol), total(instrumented.nsBySymbol)];
    console.log(
      `${kind}: CPU a request, by cpu-clock samples (${SAMPLE_HZ} Hz over ${WINDOW_SECONDS} s, each app alone): plain ${(a / 1000).toFixed(2)} µs (${plain.requests} requests), instrumented ${(b / 1000).toFixed(2)} µs (${instrumented.requests} requests), ${(100 * (a / b)).toFixed(1)} % of plain throughput`,
    );
    console.log(`the ${top} functions that grew most, ns a request (plain → instrumented):`);
    const names = new Set([...plain.nsBySymbol.keys(), ...instrumented.nsBySymbol.keys()]);
    const growth = [...names].map((name) => ({ name, before: plain.nsBySymbol.get(name) ?? 0, after: instrumented.nsBySymbol.get(name) ?? 0 }));
    for (const { name, before, after } of growth.sort((x, y) => y.after - y.before - (x.after - x.before)).slice(0, top))
      console.log(
        `  ${`+${Math.round(after - before)}`.padStart(6)}  ${String(Math.round(before)).padStart(5)} → ${String(Math.round(after)).padStart(5)}  ${name.slice(0, 110)}`,
      );
  } finally {
    sink.close();
  }
}
