import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PINNED = spawnSync('taskset', ['-p', '-c', '0', String(process.pid)]).status === 0;

async function startApp(mode: 'plain' | 'instrumented', beaconUrl: string): Promise<{ child: ChildProcess; url: string }> {
  // The app gets core 1 and the load generator core 0 (where taskset exists): on a 2-core machine
  // that keeps the two from trading places and swamping a few-percent difference with noise.
  const args = ['--import', 'tsx', resolve(ROOT, 'bench/hello-server.ts'), mode, beaconUrl];
  const child = PINNED ? spawn('taskset', ['-c', '1', process.execPath, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) => child.stdout!.on('data', (chunk: Buffer) => {
    const match = /port (\d+)/.exec(String(chunk));
    if (match) done(match[1]!);
  }));
  return { child, url: `http://127.0.0.1:${port}/hello/world` };
}

const cpuMicros = async (url: string) => {
  const usage = await (await fetch(url.replace(/\/hello\/.*/, '/__cpu'))).json() as { user: number; system: number };
  return usage.user + usage.system;
};

/** Throughput, and the app's CPU time per request: the second barely moves with the machine's noise. */
async function run(url: string, seconds: number): Promise<{ rps: number; cpuPerRequest: number }> {
  const before = await cpuMicros(url);
  const result = await autocannon({ url, connections: 32, duration: seconds });
  const after = await cpuMicros(url);
  return { rps: result.requests.average, cpuPerRequest: (after - before) / result.requests.total };
}

/**
 * Requests per second of a hello-world Express app with and without the vitalstream middleware,
 * each in its own process, measured alternately (plain, instrumented, plain, ...) so drift in
 * the machine's load hits both; the instrumented app really sends its beacons (to a sink server).
 */
export async function serverOverhead(rounds = 5, seconds = 3): Promise<{ plain: number; instrumented: number; ratio: number; beacons: number; rounds: { plain: number[]; instrumented: number[] }; pinned: boolean; cpuPlain: number; cpuInstrumented: number; cpuRatio: number }> {
  let beacons = 0;
  const sink = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      beacons += 1;
      response.writeHead(202).end('{"accepted":1}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const beaconUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/beacon`;
  const plain = await startApp('plain', beaconUrl);
  const instrumented = await startApp('instrumented', beaconUrl);
  await run(plain.url, 1); // warm up both
  await run(instrumented.url, 1);
  const results = { plain: [] as number[], instrumented: [] as number[] };
  const cpu = { plain: [] as number[], instrumented: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const [name, app] of [['plain', plain], ['instrumented', instrumented]] as const) {
      const r = await run(app.url, seconds);
      results[name].push(Math.round(r.rps));
      cpu[name].push(r.cpuPerRequest);
    }
  }
  plain.child.kill();
  instrumented.child.kill();
  sink.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const p = median(results.plain);
  const m = median(results.instrumented);
  const cpuPlain = median(cpu.plain);
  const cpuInstrumented = median(cpu.instrumented);
  return { plain: p, instrumented: m, ratio: m / p, beacons, rounds: results, pinned: PINNED, cpuPlain, cpuInstrumented, cpuRatio: cpuPlain / cpuInstrumented };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await serverOverhead();
  console.log(`server overhead: hello-world Express ${Math.round(r.plain)} req/s plain, ${Math.round(r.instrumented)} req/s with the middleware = ${(100 * r.ratio).toFixed(1)} % (${r.beacons} beacons sent; rounds ${JSON.stringify(r.rounds)}; pinned ${r.pinned}); CPU per request ${r.cpuPlain.toFixed(1)} µs plain, ${r.cpuInstrumented.toFixed(1)} µs instrumented = ${(100 * r.cpuRatio).toFixed(1)} % throughput when CPU-bound`);
}
