import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startLocalProcess } from './support/local-process.ts';
import { tempDir } from './support/temp-dir.ts';
import { fmt, quantile, watchRss } from './measure.ts';

export interface SoakResult {
  seconds: number;
  valid: { sent: number; accepted: number; metrics: number; counted: number; refused: number; refusedBy: Record<string, number> };
  hostile: Record<string, { sent: number; statuses: Record<string, number> }>;
  health: { probes: number; ok: number; worstMs: number; p99Ms: number };
  peakRssMb: number;
  exitedEarly: boolean;
}

const port = (url: string) => Number(new URL(url).port);

/** Writes raw bytes and reads what comes back until the server closes or `waitMs` passes. */
function raw(url: string, bytes: string | Buffer, waitMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port(url), '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', done).on('close', done);
    socket.write(bytes, () => undefined);
  });
}
const statusOfRaw = (answer: string) => /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 'closed';

/**
 * A real `npm start` under mixed traffic for `seconds`: valid beacons from a known app, and at the
 * same time every kind of hostile request that once crashed, stalled or bloated the server. At
 * the end every valid metric answered 202 must be in the query API, and /healthz must have
 * answered 200 throughout (probed every 250 ms).
 */
export async function soak(seconds: number, progress: (line: string) => void = () => undefined): Promise<SoakResult> {
  const dir = tempDir('vitalstream-soak-');
  const local = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_ANALYZE_EVERY_MS: '0', VITALSTREAM_MAX_CONNECTIONS: '1024' });
  const { url, child } = local;
  const rss = watchRss(child.pid!, 200);
  const deadline = performance.now() + seconds * 1000;
  const running = () => performance.now() < deadline && child.exitCode === null;
  const app = `soak-${Date.now()}`;

  const valid = { sent: 0, accepted: 0, metrics: 0, counted: 0, refused: 0, refusedBy: {} as Record<string, number> };
  const refusedBecause = (reason: string) => {
    valid.refused += 1;
    valid.refusedBy[reason] = (valid.refusedBy[reason] ?? 0) + 1;
  };
  const validSender = async () => {
    while (running()) {
      const metrics = Array.from({ length: 5 }, (_, i) => ({
        name: 'api_request',
        value: 10 + ((valid.sent * 7 + i) % 500),
        timestamp: Date.now(),
        tags: { method: 'GET', endpoint: `/api/e${i}`, status_code: '200', status_class: '2xx' },
      }));
      valid.sent += 1;
      try {
        const response = await fetch(`${url}/v1/beacon`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ app, metrics }) });
        const body = (await response.json()) as { accepted?: number };
        if (response.status === 202) {
          valid.accepted += 1;
          valid.metrics += body.accepted ?? 0;
        } else refusedBecause(`HTTP ${response.status}`);
      } catch (error) {
        refusedBecause((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
      }
    }
  };

  const hostile: SoakResult['hostile'] = {};
  const note = (kind: string, status: string | number) => {
    const entry = (hostile[kind] ??= { sent: 0, statuses: {} });
    entry.sent += 1;
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  };
  const post = async (kind: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    try {
      const response = await fetch(`${url}/v1/beacon`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      note(kind, response.status);
    } catch {
      note(kind, 'closed');
    }
  };
  const now = () => Date.now();
  const attacks: (() => Promise<void>)[] = [
    async () => note('request target //a:b', statusOfRaw(await raw(url, 'GET //a:b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))),
    async () =>
      note(
        'declared 10 MB body',
        statusOfRaw(
          await raw(
            url,
            Buffer.concat([
              Buffer.from(`POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`),
              Buffer.alloc(200_000, 0x20),
            ]),
          ),
        ),
      ),
    () =>
      post(
        'overflowing values',
        JSON.stringify({
          app: 'e',
          metrics: [
            { name: 'custom_x', unit: 'count', value: 1.7e308, count: 2, timestamp: now() },
            { name: 'custom_x', unit: 'count', value: -1.7e308, count: 2, timestamp: now() },
          ],
        }),
      ),
    () =>
      post(
        'junk app names',
        JSON.stringify({
          app: `junk-${Math.random().toString(36).slice(2)}`,
          context: { page: `/p/${Math.random()}` },
          metrics: [{ name: 'web_vitals_lcp', value: 1000, timestamp: now() }],
        }),
      ),
    () =>
      post(
        'tags spoofing the app',
        JSON.stringify({ app: 'attacker', metrics: [{ name: 'custom_x', unit: 'count', value: 1, tags: { app: app, page: '/admin' } }] }),
      ),
    () =>
      post(
        'control characters in context',
        JSON.stringify({ app: 'e', context: { page: '/a\r\n\u001b[31m\u0000' }, metrics: [{ name: 'web_vitals_lcp', value: 1000 }] }),
      ),
    () => post('malformed JSON', '{"app":"e","metrics":[{"name":'),
    () => post('deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`),
    () => post('prototype keys', '{"__proto__":{"polluted":true},"app":"e","metrics":[{"name":"web_vitals_lcp","value":1}]}'),
    () => post('impossible date', JSON.stringify({ app: 'e', metrics: [{ name: 'web_vitals_lcp', value: 1, timestamp: '2026-11-31T00:00:00Z' }] })),
    async () => {
      try {
        const response = await fetch(`${url}/v1/aggregates?metric=api_request&from=${now() - 31 * 86_400_000}&to=${now()}&group_by=endpoint&step=hour`);
        await response.arrayBuffer();
        note('31-day queries', response.status);
      } catch {
        note('31-day queries', 'closed');
      }
    },
    async () => {
      try {
        const junk = Array.from({ length: 600 }, (_, i) => `junk${i}${'x'.repeat(20)}=1`).join('&');
        const response = await fetch(`${url}/v1/aggregates?metric=web_vitals_lcp&${junk}`);
        note('15 KB of unknown parameters', `${response.status} (${(await response.arrayBuffer()).byteLength} B)`);
      } catch {
        note('15 KB of unknown parameters', 'closed');
      }
    },
  ];
  const attacker = async (offset: number) => {
    for (let i = offset; running(); i++) await attacks[i % attacks.length]!();
  };

  // Idle connections that send nothing, replaced as the server closes them: twice the allowed number.
  const idle: Socket[] = [];
  const floodIdle = async () => {
    while (running()) {
      while (idle.length < 2048 && running()) {
        const socket = connect(port(url), '127.0.0.1');
        socket.on('error', () => undefined).on('close', () => idle.splice(idle.indexOf(socket), 1));
        idle.push(socket);
        note('idle connections opened', 'opened');
        if (idle.length % 64 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  // Slowloris: headers a byte at a time.
  const slowloris = async () => {
    while (running()) note('slowloris', statusOfRaw(await raw(url, 'POST /v1/beacon HTTP/1.1\r\nHost: x\r\nX-a: ', 12_000)));
  };

  const health = { probes: 0, ok: 0, latencies: [] as number[] };
  const prober = async () => {
    while (running()) {
      const start = performance.now();
      health.probes += 1;
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status === 200) health.ok += 1;
      } catch {
        // counted as not ok
      }
      health.latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const ticker = setInterval(
    () =>
      progress(
        `\r  soak: ${Math.max(0, Math.round((deadline - performance.now()) / 1000))} s left, ${fmt(valid.accepted)} valid beacons accepted, ${health.ok}/${health.probes} health probes ok   `,
      ),
    1000,
  );

  await Promise.all([
    ...Array.from({ length: 8 }, validSender),
    ...Array.from({ length: 6 }, (_, i) => attacker(i * 2)),
    floodIdle(),
    slowloris(),
    slowloris(),
    prober(),
  ]);
  clearInterval(ticker);
  progress('\n');
  for (const socket of idle) socket.destroy();
  const exitedEarly = child.exitCode !== null;

  // Every metric answered 202 must reach the query API.
  const countDeadline = Date.now() + 120_000;
  while (!exitedEarly && Date.now() < countDeadline) {
    const response = await fetch(`${url}/v1/aggregates?metric=api_request&app=${app}&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}&step=total`);
    const body = (await response.json()) as { series: { points: { count: number }[] }[] };
    valid.counted = body.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
    if (valid.counted >= valid.metrics) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const peakRssMb = rss.stop();
  child.kill('SIGTERM');
  await local.exited;
  dir.remove();
  return {
    seconds,
    valid,
    hostile,
    peakRssMb,
    exitedEarly,
    health: { probes: health.probes, ok: health.ok, worstMs: Math.max(...health.latencies), p99Ms: quantile(health.latencies, 0.99) },
  };
}

export function describeSoak(r: SoakResult): string[] {
  const lost = r.valid.metrics - r.valid.counted;
  return [
    `soak: npm start for ${r.seconds} s under valid beacons and hostile traffic at once:`,
    `          valid: ${fmt(r.valid.sent)} beacons sent, ${fmt(r.valid.accepted)} answered 202 (${fmt(r.valid.refused)} not${
      r.valid.refused
        ? `: ${Object.entries(r.valid.refusedBy)
            .map(([why, n]) => `${why} x${n}`)
            .join(', ')}; a client retries those, and none was accepted`
        : ''
    }), ${fmt(r.valid.metrics)} metrics; ${fmt(r.valid.counted)} counted in the query API`,
    `          lost: ${lost} valid metrics ${lost === 0 ? '(none)' : '(LOSS!)'}; the server ${r.exitedEarly ? 'EXITED during the soak' : 'stayed up'}`,
    `          /healthz: ${r.health.ok} of ${r.health.probes} probes answered 200 (p99 ${r.health.p99Ms.toFixed(1)} ms, worst ${r.health.worstMs.toFixed(1)} ms); peak RSS ${r.peakRssMb.toFixed(0)} MB`,
    ...Object.entries(r.hostile).map(
      ([kind, { sent, statuses }]) =>
        `          hostile ${kind.padEnd(30)} ${fmt(sent).padStart(7)} sent: ${Object.entries(statuses)
          .map(([s, n]) => `${s} x${fmt(n)}`)
          .join(', ')}`,
    ),
  ];
}

if (import.meta.main) {
  const result = await soak(Number(process.env.BENCH_SOAK_SECONDS ?? 60), (line) => process.stderr.write(line));
  for (const line of describeSoak(result)) console.log(line);
  if (result.valid.counted !== result.valid.metrics || result.health.ok !== result.health.probes || result.exitedEarly) process.exitCode = 1;
}
