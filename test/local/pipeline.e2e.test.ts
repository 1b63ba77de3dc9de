import { afterEach, describe, expect, it } from 'vitest';
import { beacon, metric } from '../helpers/beacons.ts';
import { startLocalProcess, waitFor, type LocalProcess } from '../../bench/support/local-process.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const running: LocalProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) d.remove();
});

async function start(dataDir: string) {
  const p = await startLocalProcess({ VITALSTREAM_DATA_DIR: dataDir });
  running.push(p);
  return p;
}

const send = (url: string, body: unknown, contentType = 'text/plain;charset=UTF-8') =>
  fetch(`${url}/v1/beacon`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function countOf(url: string, metricName: string, extra = ''): Promise<number> {
  const response = await fetch(`${url}/v1/aggregates?metric=${metricName}${extra}`);
  const body = (await response.json()) as { series: { points: { count: number }[] }[] };
  return body.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
}

describe('npm start, over real HTTP', () => {
  it('prints where to send beacons, is healthy, and shows a beacon in the query API within 5 s', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = await start(dir.path);
    expect(p.output()).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/beacon/);
    expect(p.output()).toContain(dir.path);
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);

    const now = Date.now();
    const response = await send(p.url, beacon({ metrics: [metric({ timestamp: now }), metric({ timestamp: now, value: 4100 })] }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2 });
    const sentAt = Date.now();
    await waitFor(async () => ((await countOf(p.url, 'web_vitals_lcp', '&page=/courses/:id')) === 2 ? true : undefined), 5000, 'the beacon in /v1/aggregates');
    expect(Date.now() - sentAt).toBeLessThan(5000);
  });

  it('answers bad requests with JSON 4xx and the right status', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = await start(dir.path);
    const cases: [Promise<Response>, number][] = [
      [send(p.url, '{"app":'), 400],
      [send(p.url, beacon(), 'application/x-www-form-urlencoded'), 415],
      [send(p.url, { ...beacon(), pad: 'x'.repeat(70_000) }), 413],
      [fetch(`${p.url}/v1/beacon`), 405],
      [fetch(`${p.url}/nowhere`), 404],
      [fetch(`${p.url}/v1/aggregates?metric=web_vitals_lcp&from=soon`), 400],
    ];
    for (const [request, expected] of cases) {
      const response = await request;
      expect(response.status).toBe(expected);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(typeof ((await response.json()) as { message: string }).message).toBe('string');
    }
  });

  it('keeps every beacon answered 202 through a kill -9 and a restart, and counts each once', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await start(dir.path);
    const now = Date.now();
    const sends = Array.from({ length: 200 }, (_, i) =>
      send(
        first.url,
        beacon({ app: 'crash-test', metrics: [metric({ name: 'api_request', value: i, unit: 'ms', source: 'server', tags: {}, timestamp: now })] }),
      ),
    );
    const statuses = await Promise.all(sends.map(async (r) => (await r).status));
    first.child.kill('SIGKILL');
    await first.exited;
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBe(200);

    const second = await start(dir.path);
    const counted = await waitFor(
      async () => {
        const n = await countOf(second.url, 'api_request', '&app=crash-test');
        return n === accepted ? n : undefined;
      },
      10_000,
      `${accepted} metrics after restart`,
    );
    expect(counted).toBe(accepted);
    // Replays after the crash must not add anything more.
    await new Promise((r) => setTimeout(r, 500));
    expect(await countOf(second.url, 'api_request', '&app=crash-test')).toBe(accepted);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = await start(dir.path);
    expect((await send(p.url, beacon({ metrics: [metric({ timestamp: Date.now() })] }))).status).toBe(202);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/vitalstream stopped/);
  });
});
