import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localContext } from '../../bench/support/lambda-context.ts';
import {
  CREDENTIALS,
  REGION,
  createStream,
  kinesisTestClient,
  pollStream,
  startProtocolServers,
  type ProtocolServers,
} from '../helpers/aws-protocol-servers.ts';
import { createKeyTable, createStoreTable } from '../../bench/support/dynalite.ts';

// SNS has no protocol server on npm: it alone stays on aws-sdk-client-mock.
const sns = mockClient(SNSClient);
sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

let servers: ProtocolServers;
let streamArn: string;
let handlers: {
  ingest: (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
  aggregate: Parameters<typeof pollStream>[2];
  query: (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
  analyze: (event: unknown, context: unknown) => Promise<unknown>;
};

beforeAll(async () => {
  servers = await startProtocolServers(['analysis-state']);
  const kinesis = kinesisTestClient(servers.kinesisUrl);
  streamArn = await createStream(kinesis, 'beacons', 2);
  await createStoreTable(servers.dynalite.client, 'aggregates');
  await createKeyTable(servers.dynalite.client, 'state');
  // The Lambda entry points build their clients from the environment, as on AWS: these point them here.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_KINESIS: servers.kinesisUrl,
    AWS_ENDPOINT_URL_DYNAMODB: servers.dynamoUrl,
    AWS_ENDPOINT_URL_S3: servers.s3Url,
    STREAM_ARN: streamArn,
    ALLOWED_ORIGINS: 'https://shop.example.com',
    ALLOWED_APPS: 'wire',
    METRIC_STORE: 'dynamodb',
    AGGREGATES_TABLE: 'aggregates',
    RETENTION_DAYS: '400',
    MINUTE_RETENTION_DAYS: '35',
    ALERT_STATE_TABLE: 'state',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:alerts',
    ANALYSIS_STATE_BUCKET: 'analysis-state',
    KEPT_STATISTICS_KEY: 'anomaly/bucket-history.json.gz',
    DASHBOARD_URL: 'https://api.example.com/',
  });
  handlers = {
    ingest: (await import('../../lambdas/aws/ingest.ts')).handler as never,
    aggregate: (await import('../../lambdas/aws/aggregate.ts')).handler as never,
    query: (await import('../../lambdas/aws/query.ts')).handler as never,
    analyze: (await import('../../lambdas/aws/analyze.ts')).handler as never,
  };
}, 60_000);
afterAll(() => servers?.close());

const httpEvent = (method: string, path: string, body?: string, query: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: new URLSearchParams(query).toString(),
  headers: { 'content-type': 'application/json' },
  ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
  requestContext: {
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'wire' },
    requestId: 'r',
    routeKey: `${method} ${path}`,
    stage: '$default',
    timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
  ...(body === undefined ? {} : { body }),
});

// The last complete minute: the analyze job judges complete minutes only.
const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const durations = Array.from({ length: 40 }, (_, i) => 10 * (i + 1));

describe('the Lambda entry points on the wire (kinesalite, dynalite, s3rver; SNS on aws-sdk-client-mock)', () => {
  it('ingests beacons onto Kinesis, aggregates them into DynamoDB exactly once through replays, answers queries and alerts through SNS', async () => {
    // 1. Beacons into the ingest handler, onto the Kinesis API: 40 requests, every one a 500.
    for (let b = 0; b < 4; b++) {
      const metrics = durations.slice(b * 10, b * 10 + 10).map((value, i) => ({
        name: 'api_request',
        value,
        timestamp: minute + b * 10_000 + i * 500,
        tags: { method: 'GET', endpoint: '/api/checkout', status_code: '500', status_class: '5xx' },
      }));
      const answer = await handlers.ingest(httpEvent('POST', '/v1/beacon', JSON.stringify({ app: 'wire', metrics })), localContext('ingest'));
      expect(answer.statusCode).toBe(202);
      expect(JSON.parse(answer.body!)).toEqual({ accepted: 10 });
    }
    expect(
      (
        await handlers.ingest(
          httpEvent('POST', '/v1/beacon', JSON.stringify({ app: 'stranger', metrics: [{ name: 'web_vitals_lcp', value: 1 }] })),
          localContext('ingest'),
        )
      ).statusCode,
    ).toBe(403);
    // A record no ingest would write, straight onto the stream: the aggregator must report it, not choke.
    const kinesis = kinesisTestClient(servers.kinesisUrl);
    await kinesis.send(new PutRecordCommand({ StreamName: 'beacons', PartitionKey: 'poison', Data: Buffer.from('{"v":1,"not":"a record"}') }));

    // 2. The event source mapping, played: batches of 3 records, failures resumed, every batch once more (a replay).
    const replaying: Parameters<typeof pollStream>[2] = async (event, context) => {
      const first = await handlers.aggregate(event, context);
      const again = await handlers.aggregate(event, context);
      expect(again).toEqual(first);
      return first;
    };
    const played = await pollStream(kinesis, streamArn, replaying, { batchSize: 3, maxAttempts: 2, context: localContext('aggregate') as never });
    expect(played.records).toBeGreaterThanOrEqual(5);
    expect(played.failures.length).toBeGreaterThanOrEqual(1);
    expect(played.skipped).toHaveLength(1);

    // 3. The query handler reads DynamoDB: exact counts, percentiles within 1 %.
    const answer = await handlers.query(
      httpEvent('GET', '/v1/aggregates', undefined, {
        metric: 'api_request',
        app: 'wire',
        from: String(minute),
        to: String(minute + 60_000),
        step: 'total',
      }),
      localContext('query'),
    );
    expect(answer.statusCode).toBe(200);
    const [series] = (JSON.parse(answer.body!) as { series: { points: { count: number; sum: number; p50: number; p95: number; max: number }[] }[] }).series;
    const [point] = series!.points;
    expect(point!.count).toBe(40);
    expect(point!.sum).toBe(durations.reduce((a, b) => a + b, 0));
    expect(point!.max).toBe(400);
    for (const [q, p] of [
      [0.5, point!.p50],
      [0.95, point!.p95],
    ] as const) {
      const exact = durations[Math.floor(q * (durations.length - 1))]!;
      expect(Math.abs(p - exact) / exact).toBeLessThanOrEqual(0.01);
    }

    // 4. The analyze handler: state in DynamoDB and S3, the 5xx alert through SNS.
    sns.resetHistory();
    await handlers.analyze({}, localContext('analyze'));
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.Subject)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[ERROR\] 100\.0 % server errors on app=wire, method=GET, endpoint=\/api\/checkout$/)]),
    );
    const state = await servers.dynalite.client.send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'alert-state' } } }));
    expect(Object.keys((JSON.parse(state.Item!.state!.S!) as { open: object }).open).length).toBeGreaterThanOrEqual(1);
    const lease = await servers.dynalite.client.send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'analysis-lease' } } }));
    expect(lease.Item).toBeUndefined(); // given back
    const s3 = new S3Client({ endpoint: servers.s3Url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    const history = await s3.send(new GetObjectCommand({ Bucket: 'analysis-state', Key: 'anomaly/bucket-history.json.gz' }));
    const text = gunzipSync(await history.Body!.transformToByteArray()).toString('utf8');
    // The 15-minute statistics, settled up to the newest complete bucket before this one.
    expect((JSON.parse(text) as { v: number; settled: number }).settled).toBeGreaterThan(minute - 45 * 60_000);
    const watermark = await servers.dynalite.client.send(
      new GetItemCommand({ TableName: 'aggregates', Key: { pk: { S: 'compaction' }, sk: { S: 'watermark' } } }),
    );
    expect(Number(watermark.Item?.until?.N)).toBeGreaterThan(0);
  }, 60_000);
});
