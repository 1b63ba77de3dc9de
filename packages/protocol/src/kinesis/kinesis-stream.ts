import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { MetricStream, StreamEntry } from '../stream/stream-port.ts';
import { resubmitLeftovers } from '../resilience/resubmit.ts';
import { chunkEntries } from '../stream/chunk-entries.ts';

export interface KinesisStreamOptions {
  streamArn: string;
  /** Attempts for entries Kinesis reports as failed (throttled or internal), the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  wait?: (ms: number) => Promise<void>;
}

export class StreamPutError extends Error {
  constructor(
    readonly failedCount: number,
    readonly errorCodes: readonly string[],
  ) {
    super(`${failedCount} records were not stored after retries (${[...new Set(errorCodes)].join(', ')})`);
    this.name = 'StreamPutError';
  }
}

/**
 * Kinesis behind the MetricStream port. PutRecords is not atomic: it answers which entries
 * failed, and only those are retried (full-jitter backoff). If any still fail, put rejects, so
 * the ingest answers 503 and the client retries: a 202 never hides a dropped beacon.
 */
export function kinesisStream(client: KinesisClient, options: KinesisStreamOptions): MetricStream {
  const maxAttempts = options.maxAttempts ?? 4;
  // By name, which every Kinesis API implementation takes (StreamARN came in 2022; kinesalite lacks it).
  const streamName = streamNameOf(options.streamArn);
  return {
    async put(entries: readonly StreamEntry[]) {
      for (const chunk of chunkEntries(entries)) {
        let codes: string[] = [];
        await resubmitLeftovers<PutRecordsRequestEntry>(
          chunk.map((e) => ({ PartitionKey: e.partitionKey, Data: e.data })),
          async (pending) => {
            const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: [...pending] }));
            if (!response.FailedRecordCount) return [];
            const results = response.Records ?? [];
            if (results.length !== pending.length) {
              codes = ['MalformedResponse'];
              return pending; // cannot tell which entries failed: retry them all (at worst a beacon is stored twice, never lost)
            }
            codes = results.filter((r) => r.ErrorCode).map((r) => r.ErrorCode!);
            return pending.filter((_, i) => results[i]?.ErrorCode !== undefined);
          },
          {
            maxRounds: maxAttempts,
            baseDelayMs: options.baseDelayMs ?? 50,
            maxDelayMs: options.maxDelayMs ?? 1000,
            ...(options.wait ? { wait: options.wait } : {}),
            giveUp: (left) => new StreamPutError(left.length, codes),
          },
        );
      }
    },
  };
}

/** `arn:aws:kinesis:<region>:<account>:stream/<name>` to `<name>`. */
export function streamNameOf(streamArn: string): string {
  const match = /:stream\/([A-Za-z0-9_.-]{1,128})$/.exec(streamArn);
  if (!match) throw new Error(`'${streamArn}' is not a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)`);
  return match[1]!;
}
