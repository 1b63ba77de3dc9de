import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { foldBatch } from '../src/app/fold-batch.ts';
import type { CardinalityGuard } from '../src/aggregation/cardinality-guard.ts';
import type { Logger, MetricStore } from '../src/ports.ts';
import { consoleLogger } from './middleware/http-responses.ts';

export interface AggregateDependencies {
  store: MetricStore;
  guard?: CardinalityGuard;
  logger?: Logger;
}

/** Kinesis consumer: the fold use case over the event's records; a record it cannot decode is a batch item failure. */
export function createAggregateHandler(deps: AggregateDependencies) {
  const fold = { store: deps.store, logger: deps.logger ?? consoleLogger, ...(deps.guard ? { guard: deps.guard } : {}) };
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>().handler(async (event) => {
    const first = event.Records[0];
    if (!first) return { batchItemFailures: [] };
    const records = event.Records.map((r) => ({ id: r.kinesis.sequenceNumber, data: Buffer.from(r.kinesis.data, 'base64') }));
    const { failedId } = await foldBatch(fold, { batchId: batchIdOf(first), batchTime: Math.round(first.kinesis.approximateArrivalTimestamp * 1000), records });
    return { batchItemFailures: failedId === undefined ? [] : [{ itemIdentifier: failedId }] };
  });
}

/** eventID is `<shardId>:<sequenceNumber>`; the ARN keeps two streams' shards apart. */
export function batchIdOf(first: KinesisStreamRecord): string {
  const shard = first.eventID.split(':')[0] ?? 'shard';
  return `${first.eventSourceARN}/${shard}/${first.kinesis.sequenceNumber}`;
}
