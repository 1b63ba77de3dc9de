import { backoffDelay, sleep } from './backoff.ts';

export interface ResubmitOptions<T> {
  /** Rounds at most, the first included. */
  maxRounds: number;
  baseDelayMs: number;
  maxDelayMs: number;
  wait?: (ms: number) => Promise<void>;
  /** The error to throw when items are still left after the last round. */
  giveUp: (left: readonly T[]) => Error;
}

/**
 * For batch calls that succeed with some items left over (Kinesis PutRecords entries that failed,
 * DynamoDB BatchWriteItem's unprocessed items): the SDK retries a failed call, never a call that
 * answered, so only the leftovers go round again, with full-jitter backoff between rounds.
 * `send` takes the pending items and answers the ones still left.
 */
export async function resubmitLeftovers<T>(
  items: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  options: ResubmitOptions<T>,
): Promise<void> {
  const wait = options.wait ?? sleep;
  let pending = items;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= options.maxRounds) throw options.giveUp(pending);
    if (round > 0) await wait(backoffDelay(round, options.baseDelayMs, options.maxDelayMs));
    pending = await send(pending);
  }
}
