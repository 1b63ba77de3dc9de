import { performance } from 'node:perf_hooks';
import { createAggregateHandler } from '../lambdas/aggregate.ts';
import { createIngestHandler } from '../lambdas/ingest.ts';
import { toKinesisEvent } from './support/kinesis-events.ts';
import { localContext } from './support/lambda-context.ts';
import { openSqliteStore } from '../local/adapters/sqlite-store.ts';
import type { MetricStream, StreamEntry } from '../src/ports.ts';
import { startLocalProcess } from './support/local-process.ts';
import { tempDir } from './support/temp-dir.ts';
import { makeBeacons } from './workload.ts';
import { serverOverhead } from './server-overhead.ts';
import { describeSoak, soak } from './soak.ts';
import { describeContention, queryContention } from './query-contention.ts';

const BEACONS = Number(process.env.BENCH_BEACONS ?? 4000);
const E2E_SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 10);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const QUERY_SECONDS = Number(process.env.BENCH_QUERY_SECONDS ?? 10);
const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

function timeBest(runs: number, work: () => void | Promise<void>): Promise<number> {
  return (async () => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await work();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  })();
}

async function main() {
  const now = Date.now();
  const bodies = makeBeacons(BEACONS, now);
  const metricCount = bodies.reduce((n, b) => n + (JSON.parse(b) as { metrics: unknown[] }).metrics.length, 0);
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
  log(`vitalstream bench: ${fmt(BEACONS)} beacons, ${fmt(metricCount)} metrics, ${fmt(bytes)} bytes (Node ${process.version})\n`);

  // Baseline: the cheapest thing any ingest must do with these bytes.
  const parseMs = await timeBest(5, () => {
    for (const body of bodies) JSON.parse(body);
  });
  log(`baseline  JSON.parse of the beacon bodies        ${fmt(rate(metricCount, parseMs)).padStart(12)} metrics/s`);

  // Ingest: the real handler (parse, validate, normalize, encode); the stream only collects, so this is the CPU cost.
  const captured: StreamEntry[] = [];
  const collecting: MetricStream = { put: async (entries) => void captured.push(...entries) };
  const ingest = createIngestHandler({ stream: collecting, allowedOrigins: [] });
  const events = bodies.map((body) => ({
    version: '2.0',
    routeKey: 'POST /v1/beacon',
    rawPath: '/v1/beacon',
    rawQueryString: '',
    isBase64Encoded: false,
    body,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    requestContext: { http: { method: 'POST', path: '/v1/beacon', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } },
  })) as unknown as Parameters<typeof ingest>[0][];
  const context = localContext('ingest');
  const ingestMs = await timeBest(3, async () => {
    captured.length = 0;
    for (const event of events) await ingest(event, context);
  });
  if (captured.length !== BEACONS) throw new Error(`ingest accepted ${captured.length} of ${BEACONS} beacons`);
  log(
    `ingest    handler: parse+validate+normalize+encode ${fmt(rate(metricCount, ingestMs)).padStart(10)} metrics/s  = ${(parseMs / ingestMs).toFixed(3)} x JSON.parse`,
  );

  // Aggregate: the real handler into the real SQLite store, in Kinesis-sized batches.
  const recordBytes = captured.map((e) => e.data);
  const recordParseMs = await timeBest(5, () => {
    for (const data of recordBytes) JSON.parse(Buffer.from(data).toString('utf8'));
  });
  const batches: ReturnType<typeof toKinesisEvent>[] = [];
  for (let i = 0; i < captured.length; i += 500) {
    batches.push(toKinesisEvent(captured.slice(i, i + 500).map((e, j) => ({ seq: i + j + 1, partitionKey: e.partitionKey, data: e.data, arrivedAt: now }))));
  }
  const dir = tempDir('vitalstream-bench-');
  let run = 0;
  const aggregateMs = await timeBest(3, async () => {
    const store = openSqliteStore(`${dir.path}/metrics-${run++}.db`);
    const aggregate = createAggregateHandler({ store });
    for (const batch of batches) await aggregate(batch, localContext('aggregate'));
    store.close();
  });
  log(
    `aggregate handler: decode+sketch+SQLite write      ${fmt(rate(metricCount, aggregateMs)).padStart(10)} metrics/s  = ${(recordParseMs / aggregateMs).toFixed(3)} x JSON.parse of the records`,
  );
  dir.remove();

  await endToEnd(bodies.slice(0, 2000), metricCount / BEACONS);

  const contention = await queryContention(QUERY_SECONDS, 20, (line) => process.stderr.write(line));
  for (const line of describeContention(contention)) log(line);

  const soaked = await soak(SOAK_SECONDS, (line) => process.stderr.write(line));
  for (const line of describeSoak(soaked)) log(line);
  if (soaked.valid.counted !== soaked.valid.metrics || soaked.health.ok !== soaked.health.probes || soaked.exitedEarly) process.exitCode = 1;

  const overhead = await serverOverhead(10, 3, (done, of) => process.stderr.write(`\r  server overhead: round ${done} of ${of}`));
  process.stderr.write('\n');
  log(
    `server SDK: hello-world Express with and without vitalstreamExpress (Server-Timing and trace context on, the SDK as built for npm), loaded side by side (autocannon, 16 connections each${overhead.pinned ? ', both apps on core 1, load on core 0' : ''}), 10 rounds, each a fresh pair warmed 6 s and measured 3 s, started in alternating order (the figure: median over pairs of rounds of their geometric mean):`,
  );
  log(
    `          ${fmt(Math.round(overhead.plain))} req/s plain, ${fmt(Math.round(overhead.instrumented))} req/s instrumented = ${(100 * overhead.ratio).toFixed(1)} % of uninstrumented (goal >= 97 %); rounds ${overhead.ratios.join(' ')}; ${overhead.beacons} beacons sent`,
  );
  log(
    `          app CPU per request ${overhead.cpuPlain.toFixed(0)} µs plain, ${overhead.cpuInstrumented.toFixed(0)} µs instrumented = ${(100 * overhead.cpuRatio).toFixed(1)} %; Fastify and Express+pg+fetch: npm run bench:overhead`,
  );
}

/** Sustained beacons/s through a real `npm start` process, checked for loss through the query API. */
async function endToEnd(pool: string[], metricsPerBeacon: number) {
  const dir = tempDir('vitalstream-bench-e2e-');
  const local = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  const { url, child } = local;
  const app = `e2e-${Date.now()}`;
  const bodies = pool.map((b) => b.replace('"app":"bench-shop"', `"app":"${app}"`));
  const concurrency = 32;
  const deadline = performance.now() + E2E_SECONDS * 1000;
  const start = performance.now();
  let sent = 0;
  let accepted = 0;
  let acceptedMetrics = 0;
  let failed = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = bodies[sent++ % bodies.length]!;
      const response = await fetch(`${url}/v1/beacon`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
      const answer = (await response.json()) as { accepted?: number };
      if (response.status === 202) {
        accepted += 1;
        acceptedMetrics += answer.accepted ?? 0;
      } else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const sendMs = performance.now() - start;
  // Count every metric back through the query API: nothing answered 202 may be missing.
  const names = [
    'web_vitals_lcp',
    'web_vitals_inp',
    'web_vitals_cls',
    'web_vitals_fcp',
    'web_vitals_ttfb',
    'long_task',
    'resource_timing',
    'user_experience_score',
    'api_request',
  ];
  let counted = 0;
  const countDeadline = Date.now() + 120_000;
  while (Date.now() < countDeadline) {
    counted = 0;
    for (const name of names) {
      const response = await fetch(`${url}/v1/aggregates?metric=${name}&app=${app}&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`);
      const body = (await response.json()) as { series: { points: { count: number }[] }[] };
      counted += body.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
    }
    if (counted >= acceptedMetrics) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const totalMs = performance.now() - start;
  child.kill('SIGTERM');
  await local.exited;
  dir.remove();
  log(`end-to-end npm start, ${concurrency} concurrent senders for ${E2E_SECONDS} s:`);
  log(`          sent ${fmt(sent)} beacons, ${fmt(accepted)} answered 202 (${failed} refused), ${fmt(acceptedMetrics)} metrics`);
  log(
    `          ${fmt(rate(accepted, sendMs))} beacons/s accepted (~${fmt(Math.round(rate(accepted, sendMs) * metricsPerBeacon))} metrics/s); all counted in the query API after ${(totalMs / 1000).toFixed(1)} s`,
  );
  log(`          lost: ${acceptedMetrics - counted} metrics ${counted === acceptedMetrics ? '(none)' : '(LOSS!)'}`);
  if (counted !== acceptedMetrics) process.exitCode = 1;
}

await main();
