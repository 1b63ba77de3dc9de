import { decodeStreamRecord, type StreamRecord } from '@vitalstream/protocol/stream';
import { aggregateRecords } from '../aggregation/aggregate-records.ts';
import type { CardinalityGuard } from '../aggregation/cardinality-guard.ts';
import type { Logger, MetricStore } from '../ports.ts';

/** One stream record as delivered: its position on the stream and its bytes. */
export interface DeliveredRecord {
  readonly id: string;
  readonly data: Uint8Array;
}

/** A batch of consecutive records from one shard, with an identity that a redelivery repeats. */
export interface StreamBatch {
  /** The same for every delivery of a batch that starts at the same record (stream, shard, first position). */
  readonly batchId: string;
  /** When the batch's first record reached the stream. */
  readonly batchTime: number;
  readonly records: readonly DeliveredRecord[];
}

export interface FoldDependencies {
  store: MetricStore;
  guard?: CardinalityGuard;
  logger: Logger;
}

/**
 * Folds a batch into the metric store: records are decoded in order up to the first one that
 * cannot be, and that prefix is stored under the batch's identity, so a redelivered batch replaces
 * rather than adds to what it stored before. Returns the record that could not be decoded, from
 * which delivery resumes (and which, after its retries, is dead-lettered). A store failure throws:
 * the whole batch is delivered again.
 */
export async function foldBatch(deps: FoldDependencies, batch: StreamBatch): Promise<{ failedId?: string }> {
  const decoded: StreamRecord[] = [];
  let failedId: string | undefined;
  for (const record of batch.records) {
    try {
      decoded.push(decodeStreamRecord(record.data));
    } catch (error) {
      deps.logger.error('undecodable stream record', { sequenceNumber: record.id, error: (error as Error).message });
      failedId = record.id;
      break;
    }
  }
  if (decoded.length > 0) {
    const before = { values: deps.guard?.folded ?? 0, names: deps.guard?.foldedNames ?? 0 };
    await deps.store.replacePartials(batch.batchId, aggregateRecords(decoded, deps.guard), batch.batchTime);
    const values = (deps.guard?.folded ?? 0) - before.values;
    const names = (deps.guard?.foldedNames ?? 0) - before.names;
    // Counted once per batch, not per metric: a flood of new names must not become a flood of log lines.
    if (values > 0 || names > 0)
      (deps.logger.warn ?? deps.logger.error)('cardinality cap reached: folded into other', { foldedValues: values, foldedNames: names });
  }
  return failedId === undefined ? {} : { failedId };
}
