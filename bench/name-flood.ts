import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalProcess, waitUntilConsumed } from './support/local-process.ts';
import { tempDir } from './support/temp-dir.ts';
import { fmt, rssMb, watchRss } from './measure.ts';

/**
 * One sender invents metric names: for `seconds`, legal beacons of 100 metrics, each named
 * custom_<12 random letters>, from 4 connections at once, against a real `npm start`. Prints how
 * much the server's memory, its metric store and its beacon log grew.
 * Usage: npm run bench:flood [-- seconds]
 */
const seconds = Number(process.argv[2] ?? process.env.BENCH_FLOOD_SECONDS ?? 60);
const letters = 'abcdefghijklmnopqrstuvwxyz';
const randomName = () => `custom_${Array.from({ length: 12 }, () => letters[Math.floor(Math.random() * 26)]).join('')}`;
const dirBytes = (dir: string, prefix = ''): number =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

const dir = tempDir('vitalstream-flood-');
const local = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_APPS: 'flood', VITALSTREAM_ANALYZE_EVERY_MS: '10000' });
try {
  const pid = local.child.pid!;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssBefore = Math.round(rssMb(pid));
  const before = { all: dirBytes(dir.path), metrics: dirBytes(dir.path, 'metrics.db'), stream: dirBytes(dir.path, 'stream.db') };
  const peak = watchRss(pid, 200);
  const deadline = performance.now() + seconds * 1000;
  let sent = 0;
  let accepted = 0;
  const sender = async () => {
    while (performance.now() < deadline) {
      const metrics = Array.from({ length: 100 }, () => ({ name: randomName(), value: Math.random() * 100, unit: 'count', timestamp: Date.now() }));
      sent += 1;
      const answer = await fetch(`${local.url}/v1/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app: 'flood', metrics }),
      });
      if (answer.status === 202) accepted += 1;
      await answer.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  // Let the consumer and one analyze run finish with what arrived.
  await waitUntilConsumed(local.url, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const rssAfter = Math.round(rssMb(pid));
  console.log(`flood: ${fmt(sent)} beacons (${fmt(accepted)} accepted, ${fmt(accepted * 100)} metrics with random names) in ${seconds} s`);
  console.log(
    `flood: server RSS ${rssBefore} MB -> ${rssAfter} MB (+${rssAfter - rssBefore} MB, peak ${Math.round(peak.stop())} MB); metric store +${mb(dirBytes(dir.path, 'metrics.db') - before.metrics)} MB, beacon stream +${mb(dirBytes(dir.path, 'stream.db') - before.stream)} MB (24 h log of accepted beacons), data dir +${mb(dirBytes(dir.path) - before.all)} MB`,
  );
} finally {
  local.child.kill('SIGTERM');
  await local.exited;
  dir.remove();
}
