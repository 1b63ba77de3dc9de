import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kinesisStream, StreamPutError } from '@vitalstream/protocol/kinesis';
import { createIngestHandler } from '../../../lambdas/ingest.ts';
import { localContext } from '../../../bench/support/lambda-context.ts';
import { beacon, NOW } from '../../helpers/beacons.ts';
import { httpEvent, json, status } from '../../helpers/http-events.ts';

const kinesis = mockClient(KinesisClient);
const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/vitalstream';
const noWait = async () => undefined;
const entries = (n: number, bytes = 10) => Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: new Uint8Array(bytes) }));
const ok = (n: number) => ({ FailedRecordCount: 0, Records: Array.from({ length: n }, (_, i) => ({ SequenceNumber: String(i), ShardId: 's' })) });

beforeEach(() => kinesis.reset());

describe('kinesisStream', () => {
  it('splits puts at 500 records and at 5 MB', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input) => ok(input.Records.length));
    await kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait }).put(entries(1200));
    expect(kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.length)).toEqual([500, 500, 200]);
    kinesis.resetHistory();
    await kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait }).put(entries(12, 1024 * 1024));
    expect(kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.length)).toEqual([4, 4, 4]);
  });

  it('retries only the entries Kinesis reports as failed, with backoff', async () => {
    const waits: number[] = [];
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [{ SequenceNumber: '1' }, { ErrorCode: 'ProvisionedThroughputExceededException' }, { SequenceNumber: '3' }, { ErrorCode: 'InternalFailure' }],
      })
      .resolvesOnce(ok(2));
    await kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: async (ms) => void waits.push(ms) }).put(entries(4));
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Records!.map((r) => r.PartitionKey)).toEqual(['k1', 'k3']);
    expect(calls[0]!.args[0].input.StreamName).toBe('vitalstream'); // by name: kinesalite, like every Kinesis API before 2022, has no StreamARN
    expect(waits).toHaveLength(1);
  });

  it('rejects when entries still fail after the last attempt, naming the error codes', async () => {
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'ProvisionedThroughputExceededException' }] });
    const put = kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait, maxAttempts: 3 }).put(entries(1));
    await expect(put).rejects.toBeInstanceOf(StreamPutError);
    await expect(put).rejects.toThrow(/1 records were not stored after retries \(ProvisionedThroughputExceededException\)/);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });

  it('makes the ingest answer 503, never 202, when Kinesis keeps failing or throttles the call', async () => {
    const ingest = (stream: ReturnType<typeof kinesisStream>) =>
      createIngestHandler({ stream, allowedOrigins: [], clock: { now: () => NOW }, logger: { error: () => undefined } });
    const event = httpEvent('POST', '/v1/beacon', { body: JSON.stringify(beacon()), headers: { 'content-type': 'text/plain' } });
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'InternalFailure' }] });
    const failing = await ingest(kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait }))(event, localContext('i'));
    expect(status(failing)).toBe(503);
    kinesis.reset();
    kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    const throttled = await ingest(kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait }))(event, localContext('i'));
    expect(status(throttled)).toBe(503);
    kinesis.reset();
    kinesis.on(PutRecordsCommand).resolves(ok(1));
    const accepted = await ingest(kinesisStream(new KinesisClient({}), { streamArn: ARN, wait: noWait }))(event, localContext('i'));
    expect(status(accepted)).toBe(202);
    expect(json(accepted)).toEqual({ accepted: 1 });
  });
});
