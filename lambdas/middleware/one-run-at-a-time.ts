import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Clock, RunLease } from '../../src/ports.ts';
import type { Logger } from '../../src/ports.ts';

/** What a run that found the lease taken answers instead of its result. */
export interface SkippedRun {
  skipped: string;
}

/**
 * Lets one invocation run at a time: the lease is taken before the handler, for as long as the
 * invocation may live, and given back after it, whether it succeeded or failed. An invocation
 * that finds the lease held ends at once, doing nothing: the run in progress will save its state,
 * and the next scheduled run comes soon enough.
 */
export function oneRunAtATime<TEvent, TResult>(lease: RunLease, clock: Clock, logger: Logger): MiddlewareObj<TEvent, TResult | SkippedRun, Error, Context> {
  return {
    name: 'oneRunAtATime',
    before: async (request) => {
      const now = clock.now();
      const holder = request.context.awsRequestId;
      const acquired = await lease.acquire(holder, now + request.context.getRemainingTimeInMillis() + 5_000, now);
      if (acquired) return undefined;
      logger.error('another analysis run holds the lease; this one does nothing', { holder });
      return { skipped: 'another run holds the lease' };
    },
    after: async (request) => lease.release(request.context.awsRequestId),
    onError: async (request) => lease.release(request.context.awsRequestId),
  };
}
