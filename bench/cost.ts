import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createAggregateHandler } from '../lambdas/aggregate.ts';
import { kinesisStream } from '@vitalstream/protocol/kinesis';
import { timestreamStore } from '../lambdas/adapters/timestream-store.ts';
import { createIngestHandler } from '../lambdas/ingest.ts';
import { toKinesisEvent } from './support/kinesis-events.ts';
import { localContext } from './support/lambda-context.ts';
import type { LoggedRecord } from '../local/adapters/sqlite-stream.ts';
import { DEFAULTS } from '../lib/config.ts';
import { measureDynamo } from './cost-dynamodb.ts';
import { HOURS_PER_MONTH, PRICES, SECONDS_PER_MONTH } from './prices.ts';
import { makeBeacons } from './workload.ts';

const { values: args } = parseArgs({
  options: {
    'page-views': { type: 'string', default: '1000000' },
    'metrics-per-beacon': { type: 'string', default: '8' },
    store: { type: 'string', default: DEFAULTS.metricStore },
    stream: { type: 'string', default: DEFAULTS.streamMode },
    shards: { type: 'string', default: String(DEFAULTS.shards) },
    'analyze-every-minutes': { type: 'string', default: String(DEFAULTS.analyzeEveryMinutes) },
    'dashboard-hours': { type: 'string', default: '0' },
    'dashboard-refresh-seconds': { type: 'string', default: String(DEFAULTS.dashboardRefreshSeconds) },
    'batch-window-seconds': { type: 'string', default: String(DEFAULTS.batchWindowSeconds) },
    'memory-hours': { type: 'string', default: String(DEFAULTS.memoryRetentionHours) },
    'retention-days': { type: 'string', default: String(DEFAULTS.retentionDays) },
    'minute-retention-days': { type: 'string', default: String(DEFAULTS.minuteRetentionDays) },
  },
});
const fail = (message: string): never => {
  console.error(`cost: ${message}`);
  process.exit(2);
};
const numeric = (name: keyof typeof args, min = 0): number => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min) fail(`--${name} must be a number of at least ${min}, got '${String(args[name])}'`);
  return value;
};
const pageViews = numeric('page-views', 1);
const metricsPerBeacon = numeric('metrics-per-beacon', 1);
if (!Number.isInteger(metricsPerBeacon) || metricsPerBeacon > 500) fail('--metrics-per-beacon must be an integer from 1 to 500');
const store = args.store === 'dynamodb' || args.store === 'timestream' ? args.store : fail(`--store must be dynamodb or timestream, got '${args.store}'`);
const stream =
  args.stream === 'on-demand' || args.stream === 'provisioned' ? args.stream : fail(`--stream must be on-demand or provisioned, got '${args.stream}'`);
const options = {
  store,
  stream,
  metricsPerBeacon,
  shards: stream === 'on-demand' ? 4 : numeric('shards', 1), // an on-demand stream starts with 4 MB/s of write capacity
  analyzeEveryMinutes: numeric('analyze-every-minutes'),
  dashboardHours: numeric('dashboard-hours'),
  dashboardRefreshSeconds: numeric('dashboard-refresh-seconds', 1),
  batchWindowSeconds: numeric('batch-window-seconds'),
  memoryHours: numeric('memory-hours', 1),
  retentionDays: numeric('retention-days', 1),
  minuteRetentionDays: numeric('minute-retention-days', 1),
};
type Options = typeof options;

// Assumptions that no local run can measure, stated once.
const AWS_CALL_MS = { kinesisPut: 15, storeWrite: 25 }; // round trips a local run does not have
const LAMBDA_GB = { ingest: 0.25, aggregate: 0.5 };
const ACCESS_LOG_BYTES_PER_REQUEST = 200; // the access-log format's fields, without a source IP
const ONE_SHARD_RECORDS_PER_SECOND = 1000;

type Line = [name: string, cost: number, note: string];

/**
 * One configuration's monthly bill. Calls and bytes are not guessed: the real ingest handler and
 * Kinesis adapter run over sample beacons, then the real aggregate handler and store adapter over
 * the records at the batch size the traffic implies (Timestream's endpoints replaced by
 * aws-sdk-client-mock, DynamoDB run on dynalite), and every call and byte is counted.
 */
async function estimate(
  pageViews: number,
  o: Options,
): Promise<{ lines: Line[]; fixed: Line[]; variable: number; total: number; sampleBeacons: number; batches: number }> {
  const beaconsPerSecond = pageViews / SECONDS_PER_MONTH;
  const perShard = beaconsPerSecond / o.shards;
  // Poisson arrivals: a batching window with at least one record triggers one invocation.
  const batchesPerSecond = (o.shards * (1 - Math.exp(-perShard * o.batchWindowSeconds))) / Math.max(1, o.batchWindowSeconds);
  const beaconsPerBatch = Math.min(1000, Math.max(1, beaconsPerSecond / batchesPerSecond));

  const kinesis = mockClient(KinesisClient);
  kinesis.on(PutRecordsCommand).callsFake((input) => ({ FailedRecordCount: 0, Records: input.Records.map(() => ({ SequenceNumber: '1', ShardId: 's' })) }));
  // At least half an hour of traffic, so the analyze read meets as many series as a real run.
  const sampleBeacons = Math.max(200, Math.min(5000, Math.round(Math.max(beaconsPerBatch * 40, beaconsPerSecond * 1800))));
  const now = Date.now();
  const spanMs = (sampleBeacons / beaconsPerSecond) * 1000;
  const bodies = makeBeacons(sampleBeacons, now).map((b, k) => {
    const beacon = JSON.parse(b) as { metrics: unknown[] };
    while (beacon.metrics.length < o.metricsPerBeacon) beacon.metrics.push(...beacon.metrics.slice(0, o.metricsPerBeacon - beacon.metrics.length));
    beacon.metrics.length = o.metricsPerBeacon;
    // Beacons arrive in time order at the simulated rate (the sample spans at most the last 23 h).
    const at = now - Math.min(spanMs, 23 * 3_600_000) * (1 - k / sampleBeacons);
    for (const m of beacon.metrics as { timestamp: number }[]) m.timestamp = Math.floor(at);
    return JSON.stringify(beacon);
  });
  const ingest = createIngestHandler({
    stream: kinesisStream(new KinesisClient({}), { streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s' }),
    allowedOrigins: [],
  });
  let ingestCpuMs = 0;
  for (const body of bodies) {
    const start = performance.now();
    await ingest(
      {
        version: '2.0',
        rawPath: '/v1/beacon',
        headers: { 'content-type': 'text/plain' },
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST' } },
      } as never,
      localContext('ingest'),
    );
    ingestCpuMs += performance.now() - start;
  }
  const puts: PutRecordsRequestEntry[] = kinesis.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records!);
  kinesis.restore();
  const kinesisKiB = puts.reduce((n, r) => n + Math.ceil(((r.Data as Uint8Array).byteLength + Buffer.byteLength(r.PartitionKey!)) / 1024), 0);
  const putUnits = puts.reduce((n, r) => n + Math.ceil((r.Data as Uint8Array).byteLength / 25_600), 0);
  const kinesisBytes = puts.reduce((n, r) => n + (r.Data as Uint8Array).byteLength, 0);
  const batchSize = Math.max(1, Math.round(beaconsPerBatch));
  const batches: LoggedRecord[][] = [];
  for (let i = 0; i < puts.length; i += batchSize) {
    batches.push(puts.slice(i, i + batchSize).map((r, j) => ({ seq: i + j + 1, partitionKey: r.PartitionKey!, data: r.Data as Uint8Array, arrivedAt: now })));
  }

  const scale = pageViews / sampleBeacons;
  const invocationsAggregate = batchesPerSecond * SECONDS_PER_MONTH;
  const analyzeRuns = o.analyzeEveryMinutes > 0 ? (HOURS_PER_MONTH * 60) / o.analyzeEveryMinutes : 0;
  const ingestMs = ingestCpuMs / sampleBeacons + AWS_CALL_MS.kinesisPut;
  const lines: Line[] = [
    ['API Gateway HTTP API', (pageViews / 1e6) * PRICES.httpApiPerMillionRequests, `${fmt(pageViews)} requests`],
    [
      'Lambda ingest',
      (pageViews / 1e6) * PRICES.lambdaPerMillionRequests + ((pageViews * Math.ceil(ingestMs)) / 1000) * LAMBDA_GB.ingest * PRICES.lambdaArmPerGbSecond,
      `${fmt(pageViews)} invocations x ${Math.ceil(ingestMs)} ms x ${LAMBDA_GB.ingest * 1024} MB`,
    ],
    ...(o.stream === 'on-demand'
      ? ([
          [
            'Kinesis on-demand: data in',
            ((kinesisKiB * scale) / (1024 * 1024)) * PRICES.kinesisOnDemandPerGbIn,
            `${(kinesisKiB / puts.length).toFixed(2)} KiB billed per beacon (${Math.round(kinesisBytes / puts.length)} B)`,
          ],
          ['Kinesis on-demand: data out', ((kinesisBytes * scale) / 1024 ** 3) * PRICES.kinesisOnDemandPerGbOut, 'read once by the aggregator'],
        ] as Line[])
      : ([
          [
            'Kinesis provisioned: PUT payload units',
            ((putUnits * scale) / 1e6) * PRICES.kinesisPerMillionPutUnits,
            `${(putUnits / puts.length).toFixed(2)} units of 25 KB per beacon; reads included`,
          ],
        ] as Line[])),
    [
      'CloudWatch Logs (API access logs)',
      ((pageViews * ACCESS_LOG_BYTES_PER_REQUEST) / 1e9) * PRICES.cloudwatchLogsPerGbIngested,
      `${ACCESS_LOG_BYTES_PER_REQUEST} B per request`,
    ],
  ];
  const fixed: Line[] = [
    o.stream === 'on-demand'
      ? ['Kinesis on-demand stream hours', HOURS_PER_MONTH * PRICES.kinesisOnDemandStreamHour, '730 h']
      : [
          `Kinesis provisioned: ${o.shards} shard${o.shards > 1 ? 's' : ''}`,
          o.shards * HOURS_PER_MONTH * PRICES.kinesisShardHour,
          `730 h; ${fmt(o.shards * ONE_SHARD_RECORDS_PER_SECOND)} beacons/s at most (this traffic peaks far lower: ${beaconsPerSecond.toFixed(1)}/s on average)`,
        ],
    ['CloudWatch alarms and dashboard', 8 * PRICES.cloudwatchAlarmMonth + PRICES.cloudwatchDashboardMonth, '8 alarms, 1 dashboard'],
    ['KMS key, Secrets Manager secret', PRICES.kmsKeyMonth + PRICES.secretsManagerSecretMonth, ''],
  ];

  if (o.store === 'timestream') {
    const timestream = mockClient(TimestreamWriteClient);
    timestream.on(WriteRecordsCommand).resolves({});
    const aggregate = createAggregateHandler({
      store: timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), { database: 'd', table: 't' }),
    });
    let aggregateCpuMs = 0;
    for (const batch of batches) {
      const start = performance.now();
      await aggregate(toKinesisEvent(batch), localContext('aggregate'));
      aggregateCpuMs += performance.now() - start;
    }
    const writeCalls = timestream.commandCalls(WriteRecordsCommand);
    timestream.restore();
    const records = writeCalls.flatMap((c) => c.args[0].input.Records!);
    const recordKiB = records.reduce((n, r) => n + Math.ceil(JSON.stringify(r).length / 1024), 0);
    const bytesPerRecord = records.reduce((n, r) => n + JSON.stringify(r).length, 0) / records.length;
    const recordsPerBatch = records.length / batches.length;
    const recordsMonth = recordsPerBatch * invocationsAggregate;
    const aggregateMs = aggregateCpuMs / batches.length + (writeCalls.length / batches.length) * AWS_CALL_MS.storeWrite;
    const memoryGb = ((recordsMonth / HOURS_PER_MONTH) * o.memoryHours * bytesPerRecord) / 1e9;
    const magneticGb = (recordsMonth * 13 * bytesPerRecord) / 1e9; // steady state at 400 days
    const queryCost = 4 * (30 / 3600) * PRICES.timestreamPerTcuHour;
    lines.push(
      lambdaAggregate(invocationsAggregate, aggregateMs, beaconsPerBatch),
      [
        'Timestream writes',
        ((recordsMonth * (recordKiB / records.length)) / 1e6) * PRICES.timestreamPerMillionWriteKiB,
        `${fmt(recordsMonth)} records (${recordsPerBatch.toFixed(1)} per batch, ${Math.round(bytesPerRecord)} B each)`,
      ],
      [`Timestream memory store (${o.memoryHours} h)`, memoryGb * HOURS_PER_MONTH * PRICES.timestreamMemoryPerGbHour, `${memoryGb.toFixed(3)} GB held`],
      ['Timestream magnetic store (400 d)', magneticGb * PRICES.timestreamMagneticPerGbMonth, `${magneticGb.toFixed(2)} GB at steady state`],
    );
    fixed.push(
      // Every run reads once: the minutes since its kept statistics were settled.
      ['Timestream queries: analyze job', analyzeRuns * queryCost, `${fmt(analyzeRuns)} runs x 1 query x 4 TCU x 30 s = $${queryCost.toFixed(3)} a run`],
      // A refresh is a burst of concurrent queries: 4 TCUs for at least 30 s, busy all the time from a 30 s refresh.
      [
        'Timestream queries: dashboard',
        o.dashboardHours * Math.min(1, 30 / o.dashboardRefreshSeconds) * 4 * PRICES.timestreamPerTcuHour,
        `${o.dashboardHours} h/month open, a refresh every ${o.dashboardRefreshSeconds} s x 4 TCU x 30 s`,
      ],
    );
  } else {
    const measured = await measureDynamo(batches, now);
    const aggregateMs = measured.cpuMsPerBatch + Math.ceil(measured.perBatch.calls / 4) * AWS_CALL_MS.storeWrite;
    const writeUnits = (measured.perBatch.writeUnits + measured.compactionPerBatch.writeUnits) * invocationsAggregate;
    const readUnits =
      (measured.perBatch.readUnits + measured.compactionPerBatch.readUnits) * invocationsAggregate + measured.perAnalyzeRun.readUnits * analyzeRuns;
    // Minute items kept for their retention (TTL), hourly rollups for the long one.
    const storedGb =
      (invocationsAggregate * (measured.minuteBytesPerBatch * (o.minuteRetentionDays / 30.4) + measured.rollupBytesPerBatch * (o.retentionDays / 30.4))) / 1e9;
    lines.push(
      lambdaAggregate(invocationsAggregate, aggregateMs, beaconsPerBatch),
      [
        'DynamoDB writes',
        (writeUnits / 1e6) * PRICES.dynamodbPerMillionWriteUnits,
        `${fmt(writeUnits)} write units (${measured.perBatch.items.toFixed(1)} minute items and ${measured.perBatch.writeUnits.toFixed(1)} units a batch, compaction ${measured.compactionPerBatch.writeUnits.toFixed(1)})`,
      ],
      [
        'DynamoDB reads (replays, compaction, analyze)',
        (readUnits / 1e6) * PRICES.dynamodbPerMillionReadUnits,
        `${fmt(readUnits)} read units (${measured.perAnalyzeRun.readUnits.toFixed(1)} a run of the analyze job, ${measured.perAnalyzeRun.calls} calls)`,
      ],
      [
        `DynamoDB storage and backups`,
        storedGb * (PRICES.dynamodbStoragePerGbMonth + PRICES.dynamodbPitrPerGbMonth),
        `${storedGb.toFixed(2)} GB at steady state (minutes ${o.minuteRetentionDays} d, hours ${o.retentionDays} d), point-in-time recovery on`,
      ],
    );
    const refreshes = (o.dashboardHours * 3600) / o.dashboardRefreshSeconds;
    fixed.push([
      'DynamoDB reads: dashboard',
      ((refreshes * measured.perDashboardRefresh.readUnits) / 1e6) * PRICES.dynamodbPerMillionReadUnits,
      `${o.dashboardHours} h/month open, a refresh every ${o.dashboardRefreshSeconds} s reads ${measured.perDashboardRefresh.readUnits.toFixed(0)} units (24 h view)`,
    ]);
  }
  const variable = lines.reduce((n, [, c]) => n + c, 0);
  const total = variable + fixed.reduce((n, [, c]) => n + c, 0);
  return { lines, fixed, variable, total, sampleBeacons, batches: batches.length };

  function lambdaAggregate(invocations: number, ms: number, perBatch: number): Line {
    return [
      'Lambda aggregate',
      (invocations / 1e6) * PRICES.lambdaPerMillionRequests + ((invocations * Math.ceil(ms)) / 1000) * LAMBDA_GB.aggregate * PRICES.lambdaArmPerGbSecond,
      `${fmt(invocations)} batches of ~${perBatch.toFixed(1)} beacons x ${Math.ceil(ms)} ms`,
    ];
  }
}

const out = (s = '') => process.stdout.write(`${s}\n`);
const result = await estimate(pageViews, options);
const rum = ((pageViews * metricsPerBeacon) / 1e5) * PRICES.cloudwatchRumPerHundredThousandEvents;
out(
  `vitalstream on AWS: ${fmt(pageViews)} page views a month, 1 beacon of ${metricsPerBeacon} metrics each; store ${store}, stream ${stream}${stream === 'provisioned' ? ` (${options.shards} shard${options.shards > 1 ? 's' : ''})` : ''}`,
);
out(
  `(${(pageViews / SECONDS_PER_MONTH).toFixed(2)} beacons/s; counts from a real run of the handlers over ${fmt(result.sampleBeacons)} sample beacons in ${fmt(result.batches)} batches; us-east-1 list prices, check the live pages)`,
);
out();
for (const [name, cost, note] of result.lines) out(`  ${name.padEnd(44)} ${money(cost).padStart(10)}   ${note}`);
out(
  `  ${'traffic-driven subtotal'.padEnd(44)} ${money(result.variable).padStart(10)}   = ${money(result.variable / (pageViews / 1e6))} per million page views`,
);
out();
for (const [name, cost, note] of result.fixed) out(`  ${name.padEnd(44)} ${money(cost).padStart(10)}   ${note}`);
out(`  ${'fixed subtotal'.padEnd(44)} ${money(result.total - result.variable).padStart(10)}`);
out();
const hundred = pageViews === 1e8 ? result : await estimate(1e8, options);
out(
  `  ${'marginal cost at 100 M page views'.padEnd(44)} ${money(hundred.variable / 100).padStart(10)}   per million page views (traffic-driven cost at 100 M / 100)`,
);
out(`  ${'CloudWatch RUM, full sampling'.padEnd(44)} ${money(rum).padStart(10)} a month (${fmt(pageViews * metricsPerBeacon)} events at $1 per 100k)`);
out(`  ${'vitalstream total'.padEnd(44)} ${money(result.total).padStart(10)} a month`);
out();
out(
  `assumed, not measured: ${options.shards} shard${options.shards > 1 ? 's' : ''}${stream === 'on-demand' ? ' (an on-demand stream starts with 4)' : ''}, ${options.batchWindowSeconds} s batching window, ${AWS_CALL_MS.kinesisPut} ms per PutRecords and ${AWS_CALL_MS.storeWrite} ms per store write round trip${store === 'timestream' ? ', queries billed one by one (4 TCU x 30 s minimum each)' : ''}.`,
);

function money(n: number): string {
  return `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`;
}
function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
