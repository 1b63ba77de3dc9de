import { performance } from 'node:perf_hooks';
import { startLocalProcess, waitUntilConsumed } from './support/local-process.ts';
import { tempDir } from './support/temp-dir.ts';
import { rssMb, watchRss } from './measure.ts';

/**
 * What one expensive query costs the server: `seconds` of api_request beacons on random endpoints
 * (each endpoint a series of its own, timestamps over the last 23 h, 20 apps) from 4 senders against a real `npm start`, then one 24 h
 * /v1/advice query, the dashboard's on every refresh. Prints the query's time and how far the
 * server's RSS rose above its level just before the query.
 * Usage: npm run bench:advice [-- seconds]
 */
const seconds = Number(process.argv[2] ?? 30);
const dir = tempDir('vitalstream-advice-');
const local = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_ANALYZE_EVERY_MS: '0' });
try {
  const deadline = performance.now() + seconds * 1000;
  let sent = 0;
  const sender = async () => {
    while (performance.now() < deadline) {
      const metrics = Array.from({ length: 50 }, () => ({
        name: 'api_request',
        value: Math.random() * 3000,
        timestamp: Date.now() - Math.floor(Math.random() * 23 * 3_600_000),
        tags: { method: 'GET', endpoint: `/api/r${Math.floor(Math.random() * 1e9)}`, status_code: '200', status_class: '2xx' },
      }));
      const app = `bench-${sent % 20}`;
      const answer = await fetch(`${local.url}/v1/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app, metrics }),
      });
      await answer.arrayBuffer();
      sent += 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  await waitUntilConsumed(local.url, 300_000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const pid = local.child.pid!;
  const before = Math.round(rssMb(pid));
  const peak = watchRss(pid, 20);
  const started = performance.now();
  const answer = await fetch(`${local.url}/v1/advice?from=${Date.now() - 24 * 3_600_000}&to=${Date.now()}`);
  const body = await answer.text();
  const ms = performance.now() - started;
  const top = Math.round(peak.stop());
  console.log(
    `advice: ${sent} beacons of 50 random-endpoint requests in ${seconds} s; one 24 h /v1/advice: HTTP ${answer.status}, ${body.length} bytes in ${(ms / 1000).toFixed(1)} s; server RSS ${before} MB before, peak ${top} MB (+${top - before} MB)`,
  );
} finally {
  local.child.kill('SIGTERM');
  await local.exited;
  dir.remove();
}
