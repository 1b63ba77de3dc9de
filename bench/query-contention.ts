import { performance } from 'node:perf_hooks';
import { addValue, emptyPartial, type PartialAggregate } from '../src/aggregation/partial-aggregate.ts';
import { openSqliteStore } from '../local/adapters/sqlite-store.ts';
import { startLocalProcess } from './support/local-process.ts';
import { tempDir } from './support/temp-dir.ts';
import { fmt, quantile, rssMb, watchRss } from './measure.ts';

const ENDPOINTS = ['/api/courses/:id', '/api/cart', '/api/checkout', '/api/search', '/api/account'];
const DAY_MS = 86_400_000;

export interface QueryContention {
  partials: number;
  quiet: { p50: number; p99: number; beacons: number };
  busy: { p50: number; p99: number; beacons: number; queries: number; refused: number };
  ratio: number;
  monthQuery: { ms: number; status: number; rssBeforeMb: number; rssPeakMb: number };
}

/**
 * Beacon latency while dashboard-sized queries run, against beacon latency with none, on a real
 * `npm start` over a store of 31 days of minutes for five endpoints (the size that froze the
 * event loop for seconds when queries ran on the main thread), and the RSS of one 31-day query.
 */
export async function queryContention(seconds: number, queryLoops = 20, log: (line: string) => void = () => undefined): Promise<QueryContention> {
  const dir = tempDir('vitalstream-bench-queries-');
  const now = Date.now();
  const from = Math.floor((now - 31 * DAY_MS) / 60_000) * 60_000 + 60_000;
  const store = openSqliteStore(`${dir.path}/metrics.db`);
  let partials = 0;
  for (let day = 0; day < 31; day++) {
    const batch: PartialAggregate[] = [];
    for (let minute = 0; minute < 1440; minute++) {
      const windowStart = from + day * DAY_MS + minute * 60_000;
      if (windowStart >= now) break;
      for (const [i, endpoint] of ENDPOINTS.entries()) {
        const partial = emptyPartial('api_request', windowStart, {
          app: 'shop',
          source: 'server',
          method: 'GET',
          endpoint,
          status_code: '200',
          status_class: '2xx',
        });
        for (let k = 0; k < 6; k++) addValue(partial, 20 + ((minute * 7 + k * 13 + i * 31) % 400));
        batch.push(partial);
      }
    }
    await store.replacePartials(`seed-${day}`, batch, from);
    partials += batch.length;
    log(`\r  seeding the store: day ${day + 1} of 31 (${fmt(partials)} partials)`);
  }
  store.close();
  log('\n');

  const local = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_ANALYZE_EVERY_MS: '0' });
  const { url, child } = local;
  try {
    const beacon = JSON.stringify({ app: 'shop', context: { page: '/checkout', device: 'mobile' }, metrics: [{ name: 'web_vitals_lcp', value: 2100 }] });
    const beaconLatencies = async (ms: number) => {
      const latencies: number[] = [];
      const deadline = performance.now() + ms;
      // Four senders, a realistic trickle that leaves the event loop's own delay visible.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (performance.now() < deadline) {
            const start = performance.now();
            const response = await fetch(`${url}/v1/beacon`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: beacon });
            await response.arrayBuffer();
            if (response.status !== 202) throw new Error(`beacon answered ${response.status}`);
            latencies.push(performance.now() - start);
            await new Promise((r) => setTimeout(r, 5));
          }
        }),
      );
      return latencies;
    };
    await beaconLatencies(1000); // warm up
    const quiet = await beaconLatencies(seconds * 1000);

    let queries = 0;
    let refused = 0;
    let stop = false;
    const dashboardQuery = (i: number) => {
      const to = Date.now();
      const metric = i % 3 === 0 ? 'web_vitals_lcp' : 'api_request';
      return `${url}/v1/aggregates?metric=${metric}&from=${to - DAY_MS}&to=${to}&step=15m${metric === 'api_request' ? '&group_by=endpoint' : ''}`;
    };
    const loops = Array.from({ length: queryLoops }, async (_, i) => {
      while (!stop) {
        const response = await fetch(dashboardQuery(i));
        await response.arrayBuffer();
        if (response.status === 429) {
          refused += 1;
          await new Promise((r) => setTimeout(r, 100));
        } else if (response.status === 200) queries += 1;
        else throw new Error(`query answered ${response.status}`);
      }
    });
    const busy = await beaconLatencies(seconds * 1000);
    stop = true;
    await Promise.all(loops);

    const rssBeforeMb = rssMb(child.pid!);
    const watch = watchRss(child.pid!);
    const start = performance.now();
    const month = await fetch(`${url}/v1/aggregates?metric=api_request&from=${from}&to=${now}&group_by=endpoint&step=hour`);
    await month.arrayBuffer();
    const ms = performance.now() - start;
    await new Promise((r) => setTimeout(r, 100));
    const rssPeakMb = watch.stop();

    const result = {
      partials,
      quiet: { p50: quantile(quiet, 0.5), p99: quantile(quiet, 0.99), beacons: quiet.length },
      busy: { p50: quantile(busy, 0.5), p99: quantile(busy, 0.99), beacons: busy.length, queries, refused },
      ratio: quantile(busy, 0.99) / quantile(quiet, 0.99),
      monthQuery: { ms, status: month.status, rssBeforeMb, rssPeakMb },
    };
    return result;
  } finally {
    child.kill('SIGTERM');
    await local.exited;
    dir.remove();
  }
}

export function describeContention(r: QueryContention): string[] {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `queries beside beacons: npm start over ${fmt(r.partials)} stored partials (31 days x 5 endpoints), 4 beacon senders:`,
    `          no queries:            beacon p50 ${ms(r.quiet.p50)}, p99 ${ms(r.quiet.p99)} (${fmt(r.quiet.beacons)} beacons)`,
    `          20 dashboard queries:  beacon p50 ${ms(r.busy.p50)}, p99 ${ms(r.busy.p99)} (${fmt(r.busy.beacons)} beacons; ${fmt(r.busy.queries)} 24 h queries answered, ${fmt(r.busy.refused)} answered 429)`,
    `          beacon p99 with queries = ${r.ratio.toFixed(2)} x without (goal <= 2 x)`,
    `          one 31-day group_by=endpoint step=hour query: HTTP ${r.monthQuery.status} in ${(r.monthQuery.ms / 1000).toFixed(2)} s; process RSS ${r.monthQuery.rssBeforeMb.toFixed(0)} MB before, ${r.monthQuery.rssPeakMb.toFixed(0)} MB at its peak`,
  ];
}

if (import.meta.main) {
  const result = await queryContention(Number(process.env.BENCH_QUERY_SECONDS ?? 10), 20, (line) => process.stderr.write(line));
  for (const line of describeContention(result)) console.log(line);
}
