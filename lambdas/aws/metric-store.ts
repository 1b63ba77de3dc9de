import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { MetricStore } from '../../src/ports.ts';
import { dynamoMetricStore } from '../adapters/dynamodb-store.ts';
import { timestreamStore } from '../adapters/timestream-store.ts';
import { dynamoClient } from './clients.ts';
import { required } from './environment.ts';

export interface BuiltStore {
  store: MetricStore;
  /** The store's housekeeping, for the scheduled analysis to run (DynamoDB's rollup compaction). */
  maintain?: (now: number) => Promise<unknown>;
}

/**
 * The one place an entry point's metric store is built, from the environment the stack's storage
 * construct sets (METRIC_STORE and the store's own names). The SDK clients retry by themselves
 * (adaptive mode: backs off when the service throttles), so the adapters do not add their own.
 */
export function metricStoreFrom(env: NodeJS.ProcessEnv = process.env, options: { onRejected?: (count: number) => void } = {}): BuiltStore {
  const kind = required('METRIC_STORE', env);
  if (kind === 'dynamodb') {
    const store = dynamoMetricStore(dynamoClient(), {
      table: required('AGGREGATES_TABLE', env),
      retentionDays: Number(required('RETENTION_DAYS', env)),
      minuteRetentionDays: Number(required('MINUTE_RETENTION_DAYS', env)),
    });
    return { store, maintain: (now) => store.compactSettled(now) };
  }
  if (kind === 'timestream') {
    return {
      store: timestreamStore(new TimestreamWriteClient({ maxAttempts: 3 }), new TimestreamQueryClient({}), {
        database: required('TIMESTREAM_DATABASE', env),
        table: required('TIMESTREAM_TABLE', env),
        ...(options.onRejected ? { onRejected: options.onRejected } : {}),
      }),
    };
  }
  throw new Error(`environment variable METRIC_STORE is '${kind}'; the stack sets timestream or dynamodb`);
}
