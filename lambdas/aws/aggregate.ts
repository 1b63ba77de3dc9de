import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createCardinalityGuard } from '../../src/aggregation/cardinality-guard.ts';
import { createAggregateHandler } from '../aggregate.ts';
import { lambdaLogger } from './logging.ts';
import { metricStoreFrom } from './metric-store.ts';

const { logger, withContext } = lambdaLogger('aggregate');

const metrics = new Metrics({ namespace: 'vitalstream', serviceName: 'aggregate' });

const { store } = metricStoreFrom(process.env, {
  onRejected: (count) => {
    metrics.addMetric('RejectedRecords', MetricUnit.Count, count);
    metrics.publishStoredMetrics();
  },
});

// The guard lives as long as the execution environment: per shard, across invocations.
export const handler = createAggregateHandler({ store, guard: createCardinalityGuard(), logger }).use(withContext);
