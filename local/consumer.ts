import type { StreamBatch } from '../src/app/fold-batch.ts';
import { isPermanentFailure } from '../src/resilience/failure.ts';
import type { ConsumerStatus } from '../src/resilience/health.ts';
import type { LoggedRecord, SqliteStream } from './adapters/sqlite-stream.ts';
import { type PollLoop, startPollLoop } from './poll-loop.ts';
import { afterAnswer, afterPermanentFailure, type Delivery } from './delivery-decisions.ts';
import { STREAM_DELIVERY } from '../src/settings.ts';

/** What the consumer delivers each batch to: the fold use case. It names the record delivery resumes from, if one failed. */
export type BatchHandler = (batch: StreamBatch) => Promise<{ failedId?: string } | undefined>;

export interface ConsumerOptions {
  name?: string;
  batchSize?: number;
  pollMs?: number;
  /** Attempts at a record reported as failed before it goes to the dead-letter table (Lambda's MaximumRetryAttempts). */
  maxAttempts?: number;
  /** Called after every committed checkpoint, between batches. */
  afterCheckpoint?: () => void;
  log?: (line: string) => void;
}

export interface Consumer {
  stop(): Promise<void>;
  /** Resolves once every record logged so far is checkpointed (or dead-lettered). */
  drained(timeoutMs: number): Promise<boolean>;
  status(): ConsumerStatus;
}

export const LOCAL_STREAM_ARN = 'arn:local:kinesis:local:000000000000:stream/vitalstream';
/** The local stream's one shard, named as Kinesis names shards: batch identities keep the form they have on AWS. */
export const LOCAL_SHARD = 'shardId-000000000000';

/**
 * Plays Lambda's event source mapping for the local stream: reads batches after the checkpoint,
 * hands each to the fold use case under the identity the mapping would give it, and applies what
 * `delivery-decisions.ts` decides from the answer: resume from a record it reports failed
 * (dead-lettered after maxAttempts), or bisect a batch that threw a permanent failure, as the
 * mapping's BisectBatchOnFunctionError does. Transient failures (a full disk) are retried whole,
 * forever, with backoff and the consumer reported as failing meanwhile.
 */
export function startConsumer(stream: SqliteStream, handler: BatchHandler, options: ConsumerOptions = {}): Consumer {
  const name = options.name ?? 'aggregate';
  const batchSize = options.batchSize ?? STREAM_DELIVERY.batchSize;
  const pollMs = options.pollMs ?? 100;
  const maxAttempts = options.maxAttempts ?? STREAM_DELIVERY.retries + 1;
  const log = options.log ?? ((line: string) => console.error(line));
  const attempts = new Map<number, number>();
  /** Below batchSize while bisecting a batch that failed permanently; back to batchSize after a success. */
  let limit = batchSize;

  const step = async (): Promise<boolean> => {
    const records = stream.read(stream.checkpoint(name), limit);
    if (records.length === 0) return false;
    let answer: { failedId?: string } | undefined;
    try {
      answer = await handler(toBatch(records));
    } catch (error) {
      if (!isPermanentFailure(error)) throw error;
      apply(afterPermanentFailure(records, attempts, maxAttempts), (tries) => `the store refused it ${tries} times: ${(error as Error).message}`);
      return true;
    }
    limit = batchSize;
    apply(afterAnswer(records, answer?.failedId, attempts, maxAttempts), (tries) => `handler reported it failed ${tries} times`);
    options.afterCheckpoint?.();
    return true;
  };

  const apply = (delivery: Delivery<LoggedRecord>, reason: (tries: number) => string) => {
    switch (delivery.kind) {
      case 'commit':
        stream.commitCheckpoint(name, delivery.through);
        return;
      case 'dead-letter':
        stream.deadLetter(delivery.record, reason(delivery.tries));
        stream.commitCheckpoint(name, delivery.through);
        limit = batchSize;
        log(`[consumer] record ${delivery.record.seq} moved to dead letters: ${reason(delivery.tries)}`);
        return;
      case 'halve':
        limit = delivery.limit;
        return;
      case 'retry':
        return;
    }
  };

  const loop = startPollLoop(step, {
    pollMs,
    maxBackoffMs: 5000,
    onError: (error, retryInMs) => log(`[consumer] batch failed, retrying in ${retryInMs} ms: ${error.message}`),
  });

  return {
    stop: () => loop.stop(),
    drained: (timeoutMs) => drained(stream, name, timeoutMs),
    status: () => consumerStatus(stream, name, loop),
  };
}

async function drained(stream: SqliteStream, name: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stream.checkpoint(name) >= stream.lastSeq()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** How far behind the consumer is, for `/healthz`: records and the oldest one's wait. */
function consumerStatus(stream: SqliteStream, name: string, loop: PollLoop): ConsumerStatus {
  const checkpoint = stream.checkpoint(name);
  const lastSeq = stream.lastSeq();
  const oldest = lastSeq > checkpoint ? stream.read(checkpoint, 1)[0] : undefined;
  return {
    checkpoint,
    lastSeq,
    lag: lastSeq - checkpoint,
    lagMs: oldest ? Math.max(0, Date.now() - oldest.arrivedAt) : 0,
    deadLetters: stream.deadLetterCount(),
    failing: loop.failing,
    ...(loop.lastError ? { lastError: loop.lastError } : {}),
  };
}

/** The batch as the event source mapping would deliver it: identity `<stream>/<shard>/<first sequence number>`. */
function toBatch(records: readonly LoggedRecord[]): StreamBatch {
  const first = records[0]!;
  return {
    batchId: `${LOCAL_STREAM_ARN}/${LOCAL_SHARD}/${first.seq}`,
    batchTime: Math.round(first.arrivedAt),
    records: records.map((record) => ({ id: String(record.seq), data: record.data })),
  };
}
