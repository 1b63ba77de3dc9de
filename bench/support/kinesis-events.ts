import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { LoggedRecord } from '../../local/adapters/sqlite-stream.ts';
import { LOCAL_SHARD, LOCAL_STREAM_ARN } from '../../local/consumer.ts';

/** The Kinesis event the event source mapping would deliver for these records: what drives the aggregate Lambda in tests and benchmarks. */
export function toKinesisEvent(records: readonly LoggedRecord[]): KinesisStreamEvent {
  return {
    Records: records.map(
      (record): KinesisStreamRecord => ({
        awsRegion: 'local',
        eventID: `${LOCAL_SHARD}:${record.seq}`,
        eventName: 'aws:kinesis:record',
        eventSource: 'aws:kinesis',
        eventSourceARN: LOCAL_STREAM_ARN,
        eventVersion: '1.0',
        invokeIdentityArn: 'arn:local:iam::000000000000:role/local',
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.partitionKey,
          sequenceNumber: String(record.seq),
          data: Buffer.from(record.data).toString('base64'),
          approximateArrivalTimestamp: record.arrivedAt / 1000,
        },
      }),
    ),
  };
}
