import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { aggregateRecords } from '../src/aggregation/aggregate-records.ts';
import type { CardinalityGuard } from '../src/aggregation/cardinality-guard.ts';
import type { Logger, MetricStore } from '../src/ports.ts';
import { decodeStreamRecord, type StreamRecord } from '@vitalstream/protocol/stream';
import { consoleLogger } from './middleware/http-responses.ts';

export interface AggregateDependencies {
  store: MetricStore;
  guard?: CardinalityGuard;
  logger?: Logger;
}

/**
 * Kinesis consumer. Records are folded in order up to the first one that cannot be decoded; that
 * prefix is stored under the identity (stream, shard, first sequence number) and the bad record is
 * reported as a batch item failure, so Lambda resumes from it (and, after retries, bisects it into
 * the dead-letter queue). A redelivered batch starts at the same sequence number and so replaces,
 * rather than adds to, what it stored before. A store failure throws: the whole batch is retried.
 */
export function createAggregateHandler(deps: AggregateDependencies) {
  const logger = deps.logger ?? consoleLogger;
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>().handler(async (event) => {
    const decoded: StreamRecord[] = [];
    let failed: KinesisStreamRecord | undefined;
    for (const record of event.Records) {
      try {
        decoded.push(decodeStreamRecord(Buffer.from(record.kinesis.data, 'base64')));
      } catch (error) {
        logger.error('undecodable stream record', { sequenceNumber: record.kinesis.sequenceNumber, error: (error as Error).message });
        failed = record;
        break;
      }
    }
    const first = event.Records[0];
    if (first && decoded.length > 0) {
      const batchTime = Math.round(first.kinesis.approximateArrivalTimestamp * 1000);
      const before = { values: deps.guard?.folded ?? 0, names: deps.guard?.foldedNames ?? 0 };
      await deps.store.replacePartials(batchIdOf(first), aggregateRecords(decoded, deps.guard), batchTime);
      const values = (deps.guard?.folded ?? 0) - before.values;
      const names = (deps.guard?.foldedNames ?? 0) - before.names;
      // Counted once per batch, not per metric: a flood of new names must not become a flood of log lines.
      if (values > 0 || names > 0) (logger.warn ?? logger.error)('cardinality cap reached: folded into other', { foldedValues: values, foldedNames: names });
    }
    return { batchItemFailures: failed ? [{ itemIdentifier: failed.kinesis.sequenceNumber }] : [] };
  });
}

/** eventID is `<shardId>:<sequenceNumber>`; the ARN keeps two streams' shards apart. */
export function batchIdOf(first: KinesisStreamRecord): string {
  const shard = first.eventID.split(':')[0] ?? 'shard';
  return `${first.eventSourceARN}/${shard}/${first.kinesis.sequenceNumber}`;
}
