import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error kinesalite ships no types
import kinesalite from 'kinesalite';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { startDynalite, type Dynalite } from '../../bench/support/dynalite.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

// s3rver checks the key pair it documents; kinesalite and dynalite take any.
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const REGION = 'us-east-1';

export interface ProtocolServers {
  kinesisUrl: string;
  dynamoUrl: string;
  s3Url: string;
  dynalite: Dynalite;
  close(): Promise<void>;
}

/** kinesalite, dynalite and s3rver: Node servers of the Kinesis, DynamoDB and S3 APIs, each on a loopback port. */
export async function startProtocolServers(buckets: string[]): Promise<ProtocolServers> {
  const kinesis = (kinesalite as (o: object) => Server)({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve) => kinesis.listen(0, '127.0.0.1', resolve));
  const dynalite = await startDynalite();
  const s3dir = tempDir('vitalstream-s3rver-');
  const s3 = new (S3rver as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void> })({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3dir.path,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const s3Address = await s3.run();
  const port = (server: Server) => (server.address() as AddressInfo).port;
  return {
    kinesisUrl: `http://127.0.0.1:${port(kinesis)}`,
    dynamoUrl: dynalite.url,
    s3Url: `http://127.0.0.1:${s3Address.port}`,
    dynalite,
    async close() {
      await new Promise<void>((resolve) => kinesis.close(() => resolve()));
      await dynalite.close();
      await s3.close();
      s3dir.remove();
    },
  };
}

/** A client for the Kinesis protocol server: kinesalite speaks HTTP/1.1 only, the client defaults to HTTP/2. */
export const kinesisTestClient = (url: string) =>
  new KinesisClient({ endpoint: url, region: REGION, credentials: CREDENTIALS, requestHandler: new NodeHttpHandler() });

export async function createStream(client: KinesisClient, name: string, shards = 1): Promise<string> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (StreamDescription?.StreamStatus === 'ACTIVE') return StreamDescription.StreamARN!;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export type KinesisHandler = (event: KinesisStreamEvent, context: never) => Promise<KinesisStreamBatchResponse | undefined>;

/**
 * Plays the Lambda event source mapping against a real Kinesis API: GetShardIterator and
 * GetRecords per shard, a Kinesis event for the handler, and on batchItemFailures the next batch
 * starts at the lowest failed record (after `maxAttempts` the record is skipped, as the mapping's
 * on-failure destination takes it). Returns what happened, for the test to check.
 */
export async function pollStream(
  client: KinesisClient,
  streamArn: string,
  handler: KinesisHandler,
  options: { batchSize?: number; maxAttempts?: number; context: never },
) {
  const StreamName = streamArn.split('/').at(-1)!;
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName }));
  const log = { batches: 0, records: 0, failures: [] as string[], skipped: [] as string[] };
  for (const shard of StreamDescription!.Shards!) {
    let after: string | undefined;
    const attempts = new Map<string, number>();
    for (;;) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName,
          ShardId: shard.ShardId!,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: options.batchSize ?? 100 }));
      if (Records.length === 0) break;
      const event: KinesisStreamEvent = {
        Records: Records.map((r) => ({
          awsRegion: REGION,
          eventID: `${shard.ShardId}:${r.SequenceNumber}`,
          eventName: 'aws:kinesis:record',
          eventSource: 'aws:kinesis',
          eventSourceARN: streamArn,
          eventVersion: '1.0',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: r.PartitionKey!,
            sequenceNumber: r.SequenceNumber!,
            data: Buffer.from(r.Data!).toString('base64'),
            approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime() / 1000,
          },
        })),
      };
      log.batches += 1;
      log.records += Records.length;
      const response = await handler(event, options.context);
      const failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
      if (!failed) {
        after = Records.at(-1)!.SequenceNumber!;
        continue;
      }
      log.failures.push(failed);
      const tries = (attempts.get(failed) ?? 0) + 1;
      attempts.set(failed, tries);
      const index = Records.findIndex((r) => r.SequenceNumber === failed);
      if (tries >= (options.maxAttempts ?? 2)) {
        log.skipped.push(failed);
        after = failed;
      } else {
        after = index > 0 ? Records[index - 1]!.SequenceNumber! : after;
      }
    }
  }
  return log;
}
