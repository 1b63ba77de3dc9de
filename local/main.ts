import { readLocalConfig } from './config.ts';
import { startDemoTraffic } from './demo/demo-traffic.ts';
import { startPipeline } from './pipeline.ts';

// A log line that cannot be written (stdout or stderr on a full disk) must never end the server.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

let config: ReturnType<typeof readLocalConfig>;
try {
  config = readLocalConfig(process.env);
} catch (error) {
  console.error(`vitalstream could not start: ${(error as Error).message}`);
  process.exit(1);
}
const pipeline = await startPipeline(config).catch((error: Error) => {
  console.error(`vitalstream could not start: ${error.message}`);
  process.exit(1);
});

const { url } = pipeline;
console.log(`vitalstream is running on ${url}  (data in ${config.dataDir})

  send beacons   POST ${url}/v1/beacon
                 curl -X POST ${url}/v1/beacon -H 'content-type: application/json' \\
                   -d '{"app":"demo","context":{"page":"/home"},"metrics":[{"name":"web_vitals_lcp","value":1234}]}'
  query          GET  ${url}/v1/aggregates?metric=web_vitals_lcp
  metric list    GET  ${url}/v1/metrics
  dashboard      ${url}/
  health         GET  ${url}/healthz
  demo page      ${url}/demo   (uses the browser SDK: click around, switch tabs, then query app=demo)
  allowed origins: ${config.allowedOrigins.join(', ')}  (VITALSTREAM_ALLOWED_ORIGINS)
  accepted apps:   ${config.allowedApps ? [...config.allowedApps].join(', ') : 'any (name yours with VITALSTREAM_APPS before exposing this endpoint)'}

Ctrl-C or SIGTERM stops it cleanly; every beacon answered 202 is already on disk.`);

const demo = process.env.VITALSTREAM_DEMO === '1' ? startDemoTraffic(`${url}/v1/beacon`, pipeline.stream, console.log) : undefined;
// Judge the backfilled incident at once (once the consumer has aggregated it) instead of on the next analyze tick.
void demo?.ready.then(() => pipeline.consumer.drained(60_000)).then(() => pipeline.analyze());
if (!demo) console.log(`\nTip: VITALSTREAM_DEMO=1 npm start fills the dashboard with eight days of demo traffic and an incident.`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: finishing queued work and closing…`);
    demo?.stop();
    pipeline.close().then(
      () => {
        console.log('vitalstream stopped.');
        process.exit(0);
      },
      (error: Error) => {
        console.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  });
}
