import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { createCardinalityGuard } from '../../src/aggregation/cardinality-guard.ts';
import { timestreamStore } from '../adapters/timestream-store.ts';
import { createAggregateHandler } from '../aggregate.ts';
import { required } from './environment.ts';

const metrics = new Metrics({ namespace: 'vitalstream', serviceName: 'aggregate' });

const store = timestreamStore(new TimestreamWriteClient({ maxAttempts: 3 }), new TimestreamQueryClient({}), {
  database: required('TIMESTREAM_DATABASE'),
  table: required('TIMESTREAM_TABLE'),
  onRejected: (count) => {
    metrics.addMetric('RejectedRecords', MetricUnit.Count, count);
    metrics.publishStoredMetrics();
  },
});

// The guard lives as long as the execution environment: per shard, across invocations.
export const handler = createAggregateHandler({ store, guard: createCardinalityGuard() });
