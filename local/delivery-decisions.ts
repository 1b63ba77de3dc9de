/**
 * What the local consumer does after each batch, decided as Lambda's event source mapping decides
 * it: pure functions of the batch, the handler's answer and the attempts so far, so the consumer
 * loop only reads, calls and applies.
 */

/** A record as the consumer holds it: its sequence number is its identity. */
export interface SequencedRecord {
  readonly seq: number;
}

/** Failed attempts per record sequence number, across batches. */
export type Attempts = Map<number, number>;

export type Delivery<R extends SequencedRecord> =
  /** Everything through `through` is done: move the checkpoint there. */
  | { readonly kind: 'commit'; readonly through: number }
  /** The record failed `tries` times: set it aside and move the checkpoint past it. */
  | { readonly kind: 'dead-letter'; readonly record: R; readonly tries: number; readonly through: number }
  /** Read smaller batches (at most `limit`) until the failing record stands alone. */
  | { readonly kind: 'halve'; readonly limit: number }
  /** Try the same again. */
  | { readonly kind: 'retry' };

/**
 * After the handler answered, naming the record delivery resumes from if one failed (a partial
 * batch response): the records before it are done, and the failed one is retried from, until it
 * has failed `maxAttempts` times and is dead-lettered.
 */
export function afterAnswer<R extends SequencedRecord>(
  records: readonly R[],
  failedId: string | undefined,
  attempts: Attempts,
  maxAttempts: number,
): Delivery<R> {
  const failedSeq = Number(failedId);
  if (failedId === undefined || !Number.isFinite(failedSeq)) return { kind: 'commit', through: records.at(-1)!.seq };
  const tries = (attempts.get(failedSeq) ?? 0) + 1;
  attempts.set(failedSeq, tries);
  const record = records.find((r) => r.seq === failedSeq);
  if (tries >= maxAttempts && record) {
    attempts.delete(failedSeq);
    return { kind: 'dead-letter', record, tries, through: failedSeq };
  }
  return { kind: 'commit', through: failedSeq - 1 };
}

/**
 * After the handler threw a permanent failure (bisect on function error): a batch is halved until
 * the failing record stands alone, and that record is dead-lettered after `maxAttempts`, so one
 * poison record cannot stop every record behind it.
 */
export function afterPermanentFailure<R extends SequencedRecord>(records: readonly R[], attempts: Attempts, maxAttempts: number): Delivery<R> {
  if (records.length > 1) return { kind: 'halve', limit: Math.ceil(records.length / 2) };
  const record = records[0]!;
  const tries = (attempts.get(record.seq) ?? 0) + 1;
  attempts.set(record.seq, tries);
  if (tries < maxAttempts) return { kind: 'retry' };
  attempts.delete(record.seq);
  return { kind: 'dead-letter', record, tries, through: record.seq };
}
