import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beacon, metric } from '../helpers/beacons.ts';
import { startLocalProcess, waitFor } from '../../bench/support/local-process.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

// A real full disk: a small tmpfs (this needs root, as CI and the development machines run).
const mount = tempDir('vitalstream-full-');
beforeAll(() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount.path]);
  } catch (error) {
    throw new Error(`this test mounts a 4 MB tmpfs to fill and needs root: ${(error as Error).message}`);
  }
});
afterAll(() => {
  execFileSync('umount', ['-l', mount.path]);
  mount.remove();
});

const fill = (path: string) => {
  // Fill the disk to the last block, whatever is already on it.
  for (let i = 0; ; i++) {
    try {
      writeFileSync(`${path}/fill-${i}`, Buffer.alloc(256 * 1024));
    } catch {
      try {
        for (let j = 0; ; j++) writeFileSync(`${path}/fill-${i}-${j}`, Buffer.alloc(1024));
      } catch {
        return;
      }
    }
  }
};
const unfill = (path: string) => execFileSync('sh', ['-c', `rm -f ${path}/fill-*`]);

const send = (url: string, app: string) =>
  fetch(`${url}/v1/beacon`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(beacon({ app, metrics: [metric({ name: 'api_request', value: 5, unit: 'ms', source: 'server', tags: {}, timestamp: Date.now() })] })),
  });
const count = async (url: string, app: string) => {
  const body = (await (await fetch(`${url}/v1/aggregates?metric=api_request&app=${app}`)).json()) as { series: { points: { count: number }[] }[] };
  return body.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
};

describe('a full disk', () => {
  for (const where of ['beside the data', 'holding stdout and stderr too'] as const) {
    it(`answers 503 while the disk is full ${where}, never crashes, and recovers when space returns`, async () => {
      const dataDir = `${mount.path}/${where === 'beside the data' ? 'a' : 'b'}`;
      mkdirSync(dataDir, { recursive: true });
      const p = await startLocalProcess(
        { VITALSTREAM_DATA_DIR: dataDir, VITALSTREAM_ANALYZE_EVERY_MS: '0' },
        where === 'beside the data' ? {} : { outputFile: `${dataDir}/output.log` },
      );
      try {
        expect((await send(p.url, 'before')).status).toBe(202);
        await waitFor(async () => ((await count(p.url, 'before')) === 1 ? true : undefined), 5000, 'the first beacon');
        fill(mount.path);
        const statuses = [];
        for (let i = 0; i < 20; i++) statuses.push((await send(p.url, 'during')).status);
        expect(statuses.filter((s) => s === 202).length).toBeLessThan(20);
        expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
        expect(p.child.exitCode).toBeNull();
        // Refusing every beacon is not healthy, whatever the process itself is doing.
        const during = await fetch(`${p.url}/healthz`);
        expect(during.status).toBe(503);
        expect(((await during.json()) as { reasons: string[] }).reasons.join(' ')).toMatch(/beacons cannot be stored/);
        // The same refusal on every beacon is one line with a count, not a line a beacon.
        expect(p.output().match(/stream put failed/g)?.length ?? 0).toBeLessThanOrEqual(2);
        if (where === 'beside the data') {
          expect(p.output()).toMatch(/SQLITE_FULL/);
          expect(p.output()).not.toMatch(/cannot rollback/);
        }
        unfill(mount.path);
        await waitFor(async () => ((await send(p.url, 'after')).status === 202 ? true : undefined), 10_000, 'a 202 once space is back');
        await waitFor(async () => ((await count(p.url, 'after')) >= 1 ? true : undefined), 10_000, 'the beacon after recovery in the query API');
        await waitFor(async () => ((await fetch(`${p.url}/healthz`)).status === 200 ? true : undefined), 10_000, '/healthz 200 again');
        // Every beacon answered 202 while the disk was full is counted: nothing accepted was lost.
        const acceptedDuring = statuses.filter((s) => s === 202).length;
        expect(await count(p.url, 'during')).toBe(acceptedDuring);
      } finally {
        p.child.kill('SIGKILL');
        await p.exited;
        unfill(mount.path);
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
