import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAlertState } from '../../lambdas/adapters/dynamodb-alert-state.ts';
import { dynamoForecastStore } from '../../lambdas/adapters/dynamodb-forecasts.ts';
import { kinesisStream } from '@vitalstream/protocol/kinesis';
import { s3KeptStatistics } from '../../lambdas/adapters/s3-kept-statistics.ts';
import { kinesisTransport } from '../../packages/node/src/kinesis.ts';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { CREDENTIALS, REGION, createStream, kinesisTestClient, startProtocolServers, type ProtocolServers } from '../helpers/aws-protocol-servers.ts';
import { createKeyTable } from '../../bench/support/dynalite.ts';

let servers: ProtocolServers;
beforeAll(async () => {
  servers = await startProtocolServers(['state']);
  await createKeyTable(servers.dynalite.client, 'state');
});
afterAll(() => servers.close());

describe('AWS adapters on protocol servers', () => {
  it('Kinesis (kinesalite): put chunks every entry onto the stream, in order per partition key', async () => {
    const client = kinesisTestClient(servers.kinesisUrl);
    const arn = await createStream(client, 'adapter-test');
    const entries = Array.from({ length: 1200 }, (_, i) => ({ partitionKey: 'p', data: Buffer.from(`record-${i}`) }));
    await kinesisStream(client, { streamArn: arn }).put(entries);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: 'adapter-test', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    expect(Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual(entries.map((e) => e.data.toString()));
  });

  it("the server SDK's kinesisTransport (kinesalite): validates like the ingest, answers 202 (naming refused metrics), 400 or 503, and puts what it accepts", async () => {
    const client = kinesisTestClient(servers.kinesisUrl);
    const arn = await createStream(client, 'transport-test');
    const send = kinesisTransport(client, arn);
    const request = { name: 'api_request', value: 12, tags: { method: 'GET', endpoint: '/x', status_code: '200', status_class: '2xx' } };
    const partly = await send(JSON.stringify({ app: 'api', metrics: [request, { name: 'no_such_metric', value: 1 }] }));
    expect(partly).toMatchObject({ status: 202 });
    expect(JSON.parse((partly as { body: string }).body)).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    expect(await send(JSON.stringify({ app: 'api', metrics: [{ name: 'no_such_metric', value: 1 }] }))).toMatchObject({ status: 400 });
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: 'transport-test', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records).toHaveLength(1);
    expect(JSON.parse(Buffer.from(Records[0]!.Data!).toString())).toMatchObject({
      v: 1,
      common: { app: 'api' },
      metrics: [{ name: 'api_request', value: 12 }],
    });
    expect(await kinesisTransport(client, 'arn:aws:kinesis:us-east-1:000000000000:stream/missing')(JSON.stringify({ app: 'api', metrics: [request] }))).toBe(
      503,
    );
  });

  it('S3 (s3rver): the detector statistics round-trip, and a missing object reads as none', async () => {
    const s3 = new S3Client({
      endpoint: servers.s3Url,
      region: REGION,
      credentials: CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const history = s3KeptStatistics(s3, 'state', 'anomaly/h.json.gz');
    expect(await history.load()).toBeUndefined();
    const saved = { settled: 1_796_000_000_000, series: [], hourly: { series: [], volumes: [], open: [] } };
    await history.save(saved as never);
    expect(await history.load()).toEqual(saved);
  });

  it('DynamoDB (dynalite): the alert lifecycle and the forecasts keep what was saved', async () => {
    const state = dynamoAlertState(servers.dynalite.client, 'state');
    expect(await state.load()).toEqual({ open: {}, resolvedAt: {} });
    const saved = { open: { k: { condition: { key: 'k' }, since: 1, lastSeen: 2 } }, resolvedAt: { j: 3 } };
    await state.save(saved as never);
    expect(await state.load()).toEqual(saved);
    const forecasts = dynamoForecastStore(servers.dynalite.client, 'state');
    const fits = Array.from({ length: 60 }, (_, i) => ({ key: `api_request|app=a${i}`, metric: 'api_request', forecast: [{ t: 'x', value: i }] }));
    await forecasts.save(fits as never, 1234);
    expect(await forecasts.fittedAt()).toBe(1234);
    expect(await forecasts.load('api_request|app=a59')).toEqual(fits[59]);
  });
});
