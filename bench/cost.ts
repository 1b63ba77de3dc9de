import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createAggregateHandler } from '../lambdas/aggregate.ts';
import { kinesisStream } from '../lambdas/adapters/kinesis-stream.ts';
import { timestreamStore } from '../lambdas/adapters/timestream-store.ts';
import { createIngestHandler } from '../lambdas/ingest.ts';
import { toKinesisEvent } from '../local/consumer.ts';
import { localContext } from '../local/lambda-context.ts';
import { DEFAULTS } from '../lib/config.ts';
import { HOURS_PER_MONTH, PRICES, SECONDS_PER_MONTH } from './prices.ts';
import { makeBeacons } from './workload.ts';

const { values: args } = parseArgs({
  options: {
    'page-views': { type: 'string', default: '1000000' },
    'metrics-per-beacon': { type: 'string', default: '8' },
    'analyze-every-minutes': { type: 'string', default: '15' },
    'dashboard-hours': { type: 'string', default: '0' },
    'dashboard-refresh-seconds': { type: 'string', default: String(DEFAULTS.dashboardRefreshSeconds) },
    'batch-window-seconds': { type: 'string', default: String(DEFAULTS.batchWindowSeconds) },
    'memory-hours': { type: 'string', default: String(DEFAULTS.memoryRetentionHours) },
  },
});
const pageViews = Number(args['page-views']);
const metricsPerBeacon = Number(args['metrics-per-beacon']);
const analyzeEveryMinutes = Number(args['analyze-every-minutes']);
const dashboardHours = Number(args['dashboard-hours']);
const dashboardRefreshSeconds = Number(args['dashboard-refresh-seconds']);
for (const [name, value] of Object.entries({ 'page-views': pageViews, 'metrics-per-beacon': metricsPerBeacon, 'analyze-every-minutes': analyzeEveryMinutes, 'dashboard-hours': dashboardHours, 'dashboard-refresh-seconds': dashboardRefreshSeconds })) {
  if (!Number.isFinite(value) || value < 0) {
    console.error(`cost: --${name} must be a non-negative number, got '${String(args[name as keyof typeof args])}'`);
    process.exit(2);
  }
}
if (pageViews < 1 || !Number.isInteger(metricsPerBeacon) || metricsPerBeacon < 1 || metricsPerBeacon > 500) {
  console.error('cost: --page-views must be at least 1 and --metrics-per-beacon an integer from 1 to 500');
  process.exit(2);
}

// Assumptions that no local run can measure, stated once.
const SHARDS = 4; // an on-demand stream starts with 4 MB/s of write capacity
const BATCH_WINDOW_S = Number(args['batch-window-seconds']);
const AWS_CALL_MS = { kinesisPut: 15, timestreamWrite: 25 }; // round trips a local mock does not have
const LAMBDA_GB = { ingest: 0.25, aggregate: 0.5 };
const ACCESS_LOG_BYTES_PER_REQUEST = 350;

const beaconsPerSecond = pageViews / SECONDS_PER_MONTH;
const perShard = beaconsPerSecond / SHARDS;
// Poisson arrivals: a 2 s window with at least one record triggers one invocation.
const batchesPerSecond = SHARDS * (1 - Math.exp(-perShard * BATCH_WINDOW_S)) / BATCH_WINDOW_S;
const beaconsPerBatch = Math.min(1000, Math.max(1, beaconsPerSecond / batchesPerSecond));

// A real run: the ingest handler and Kinesis adapter, then the aggregate handler and Timestream adapter,
// with the AWS endpoints replaced by aws-sdk-client-mock so every call and byte can be counted.
const kinesis = mockClient(KinesisClient);
const timestream = mockClient(TimestreamWriteClient);
kinesis.on(PutRecordsCommand).callsFake((input) => ({ FailedRecordCount: 0, Records: input.Records.map(() => ({ SequenceNumber: '1', ShardId: 's' })) }));
timestream.on(WriteRecordsCommand).resolves({});
const sampleBeacons = Math.max(200, Math.min(5000, Math.round(beaconsPerBatch * 40)));
const now = Date.now();
const spanMs = (sampleBeacons / beaconsPerSecond) * 1000;
const bodies = makeBeacons(sampleBeacons, now).map((b, k) => {
  const beacon = JSON.parse(b) as { metrics: unknown[] };
  while (beacon.metrics.length < metricsPerBeacon) beacon.metrics.push(...beacon.metrics.slice(0, metricsPerBeacon - beacon.metrics.length));
  beacon.metrics.length = metricsPerBeacon;
  // Beacons arrive in time order at the simulated rate (the sample spans at most the last 23 h).
  const at = now - Math.min(spanMs, 23 * 3_600_000) * (1 - k / sampleBeacons);
  for (const m of beacon.metrics as { timestamp: number }[]) m.timestamp = Math.floor(at);
  return JSON.stringify(beacon);
});
const ingest = createIngestHandler({ stream: kinesisStream(new KinesisClient({}), { streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s' }), allowedOrigins: [] });
let ingestCpuMs = 0;
let requestBytes = 0;
for (const body of bodies) {
  requestBytes += Buffer.byteLength(body);
  const start = performance.now();
  await ingest({ version: '2.0', rawPath: '/v1/beacon', headers: { 'content-type': 'text/plain' }, body, isBase64Encoded: false, requestContext: { http: { method: 'POST' } } } as never, localContext('ingest'));
  ingestCpuMs += performance.now() - start;
}
const puts = kinesis.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records!);
const kinesisKiB = puts.reduce((n, r) => n + Math.ceil(((r.Data as Uint8Array).byteLength + Buffer.byteLength(r.PartitionKey!)) / 1024), 0);
const kinesisBytes = puts.reduce((n, r) => n + (r.Data as Uint8Array).byteLength, 0);

const aggregate = createAggregateHandler({ store: timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), { database: 'd', table: 't' }) });
const batchSize = Math.max(1, Math.round(beaconsPerBatch));
let aggregateCpuMs = 0;
let batches = 0;
for (let i = 0; i < puts.length; i += batchSize) {
  const slice = puts.slice(i, i + batchSize).map((r, j) => ({ seq: i + j + 1, partitionKey: r.PartitionKey!, data: r.Data as Uint8Array, arrivedAt: now }));
  const start = performance.now();
  await aggregate(toKinesisEvent(slice), localContext('aggregate'));
  aggregateCpuMs += performance.now() - start;
  batches += 1;
}
const writeCalls = timestream.commandCalls(WriteRecordsCommand);
const records = writeCalls.flatMap((c) => c.args[0].input.Records!);
const recordKiB = records.reduce((n, r) => n + Math.ceil(JSON.stringify(r).length / 1024), 0);
const recordBytes = records.reduce((n, r) => n + JSON.stringify(r).length, 0);

// Per month, scaled from the sample.
const beaconsMonth = pageViews;
const scale = beaconsMonth / sampleBeacons;
const invocationsAggregate = batchesPerSecond * SECONDS_PER_MONTH;
const writeCallsPerBatch = writeCalls.length / batches;
const recordsPerBatch = records.length / batches;
const kibPerRecord = recordKiB / records.length;
const bytesPerRecord = recordBytes / records.length;
const timestreamRecordsMonth = recordsPerBatch * invocationsAggregate;
const ingestMs = ingestCpuMs / sampleBeacons + AWS_CALL_MS.kinesisPut;
const aggregateMs = aggregateCpuMs / batches + writeCallsPerBatch * AWS_CALL_MS.timestreamWrite;
const queryCost = 4 * (30 / 3600) * PRICES.timestreamPerTcuHour;
const analyzeRuns = analyzeEveryMinutes > 0 ? (HOURS_PER_MONTH * 60) / analyzeEveryMinutes : 0;
// Every run reads once: the minutes since its kept statistics were settled, which include the
// threshold rules' recent minutes; forecasts refit on the hourly statistics kept with them.
const analyzeQueries = analyzeRuns;
const memoryHours = Number(args['memory-hours']);
const memoryGb = (timestreamRecordsMonth / HOURS_PER_MONTH) * memoryHours * bytesPerRecord / 1e9;
const magneticGb = timestreamRecordsMonth * 13 * bytesPerRecord / 1e9; // steady state at 400 days

const lines: [string, number, string][] = [
  ['API Gateway HTTP API', (beaconsMonth / 1e6) * PRICES.httpApiPerMillionRequests, `${fmt(beaconsMonth)} requests`],
  ['Lambda ingest', beaconsMonth / 1e6 * PRICES.lambdaPerMillionRequests + beaconsMonth * Math.ceil(ingestMs) / 1000 * LAMBDA_GB.ingest * PRICES.lambdaArmPerGbSecond, `${fmt(beaconsMonth)} invocations x ${Math.ceil(ingestMs)} ms x ${LAMBDA_GB.ingest * 1024} MB`],
  ['Kinesis on-demand: data in', kinesisKiB * scale / (1024 * 1024) * PRICES.kinesisOnDemandPerGbIn, `${(kinesisKiB / puts.length).toFixed(2)} KiB billed per beacon (${Math.round(kinesisBytes / puts.length)} B)`],
  ['Kinesis on-demand: data out', kinesisBytes * scale / 1024 ** 3 * PRICES.kinesisOnDemandPerGbOut, 'read once by the aggregator'],
  ['Lambda aggregate', invocationsAggregate / 1e6 * PRICES.lambdaPerMillionRequests + invocationsAggregate * Math.ceil(aggregateMs) / 1000 * LAMBDA_GB.aggregate * PRICES.lambdaArmPerGbSecond, `${fmt(invocationsAggregate)} batches of ~${beaconsPerBatch.toFixed(1)} beacons x ${Math.ceil(aggregateMs)} ms`],
  ['Timestream writes', timestreamRecordsMonth * kibPerRecord / 1e6 * PRICES.timestreamPerMillionWriteKiB, `${fmt(timestreamRecordsMonth)} records (${recordsPerBatch.toFixed(1)} per batch, ${Math.round(bytesPerRecord)} B each)`],
  [`Timestream memory store (${memoryHours} h)`, memoryGb * HOURS_PER_MONTH * PRICES.timestreamMemoryPerGbHour, `${memoryGb.toFixed(3)} GB held`],
  ['Timestream magnetic store (400 d)', magneticGb * PRICES.timestreamMagneticPerGbMonth, `${magneticGb.toFixed(2)} GB at steady state`],
  ['CloudWatch Logs (API access logs)', beaconsMonth * ACCESS_LOG_BYTES_PER_REQUEST / 1e9 * PRICES.cloudwatchLogsPerGbIngested, `${ACCESS_LOG_BYTES_PER_REQUEST} B per request`],
];
const fixed: [string, number, string][] = [
  ['Kinesis on-demand stream hours', HOURS_PER_MONTH * PRICES.kinesisOnDemandStreamHour, '730 h'],
  ['CloudWatch alarms and dashboard', 8 * PRICES.cloudwatchAlarmMonth + PRICES.cloudwatchDashboardMonth, '8 alarms, 1 dashboard'],
  ['KMS key, Secrets Manager secret', PRICES.kmsKeyMonth + PRICES.secretsManagerSecretMonth, ''],
  ['Timestream queries: analyze job', analyzeQueries * queryCost,
    `${fmt(analyzeRuns)} runs x 1 query x 4 TCU x 30 s = $${queryCost.toFixed(3)} a run`],
  // A refresh is a burst of concurrent queries: 4 TCUs for at least 30 s, busy all the time from a 30 s refresh.
  ['Timestream queries: dashboard', dashboardHours * Math.min(1, 30 / dashboardRefreshSeconds) * 4 * PRICES.timestreamPerTcuHour,
    `${dashboardHours} h/month open, a refresh every ${dashboardRefreshSeconds} s x 4 TCU x 30 s`],
];
const variable = lines.reduce((n, [, c]) => n + c, 0);
const fixedTotal = fixed.reduce((n, [, c]) => n + c, 0);
const rum = beaconsMonth * metricsPerBeacon / 1e5 * PRICES.cloudwatchRumPerHundredThousandEvents;

const out = (s = '') => process.stdout.write(`${s}\n`);
out(`vitalstream on AWS: ${fmt(pageViews)} page views a month, 1 beacon of ${metricsPerBeacon} metrics each`);
out(`(${beaconsPerSecond.toFixed(2)} beacons/s; counts from a real run of the handlers over ${fmt(sampleBeacons)} sample beacons; us-east-1 list prices, check the live pages)`);
out();
for (const [name, cost, note] of lines) out(`  ${name.padEnd(36)} ${money(cost).padStart(10)}   ${note}`);
out(`  ${'traffic-driven subtotal'.padEnd(36)} ${money(variable).padStart(10)}   = ${money(variable / (pageViews / 1e6))} per million page views`);
out();
for (const [name, cost, note] of fixed) out(`  ${name.padEnd(36)} ${money(cost).padStart(10)}   ${note}`);
out(`  ${'fixed subtotal'.padEnd(36)} ${money(fixedTotal).padStart(10)}`);
out();
out(`  ${'vitalstream total'.padEnd(36)} ${money(variable + fixedTotal).padStart(10)} a month`);
out(`  ${'CloudWatch RUM, full sampling'.padEnd(36)} ${money(rum).padStart(10)} a month (${fmt(beaconsMonth * metricsPerBeacon)} events at $1 per 100k)`);
out();
out(`assumed, not measured: ${SHARDS} shards, ${BATCH_WINDOW_S} s batching window, ${AWS_CALL_MS.kinesisPut} ms per PutRecords and ${AWS_CALL_MS.timestreamWrite} ms per WriteRecords round trip, queries billed one by one (4 TCU x 30 s minimum each).`);

function money(n: number): string {
  return `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`;
}
function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
