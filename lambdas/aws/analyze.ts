import { dynamoAlertState } from '../adapters/dynamodb-alert-state.ts';
import { dynamoForecastStore } from '../adapters/dynamodb-forecasts.ts';
import { dynamoRunLease } from '../adapters/dynamodb-run-lease.ts';
import { s3KeptStatistics } from '../adapters/s3-kept-statistics.ts';
import { snsAlertSink } from '../adapters/sns-alerts.ts';
import { createAnalyzeHandler } from '../analyze.ts';
import { detectInParallel } from '../../runtime/parallel-detect.ts';
import { join } from 'node:path';
import { conditionLink } from '../../src/alerts/link.ts';
import { dynamoClient, s3Client, snsClient } from './clients.ts';
import { required } from './environment.ts';
import { lambdaLogger } from './logging.ts';
import { metricStoreFrom } from './metric-store.ts';

const dashboardUrl = process.env.DASHBOARD_URL;
const { logger, withContext } = lambdaLogger('analyze');
const dynamo = dynamoClient();
const { store, maintain } = metricStoreFrom();

export const handler = createAnalyzeHandler({
  store,
  ...(maintain ? { maintainStore: maintain } : {}),
  alertState: dynamoAlertState(dynamo, required('ALERT_STATE_TABLE')),
  forecasts: dynamoForecastStore(dynamo, required('ALERT_STATE_TABLE')),
  lease: dynamoRunLease(dynamo, required('ALERT_STATE_TABLE')),
  detect: detectInParallel({ workerPath: join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'detect-worker.js') }),
  keptStatistics: s3KeptStatistics(s3Client(), required('ANALYSIS_STATE_BUCKET'), required('KEPT_STATISTICS_KEY')),
  sink: snsAlertSink(snsClient(), required('TOPIC_ARN')),
  ...(process.env.ALERTS_PER_APP_PER_RUN ? { notificationsPerApp: Number(process.env.ALERTS_PER_APP_PER_RUN) } : {}),
  ...(dashboardUrl ? { link: (c) => conditionLink(dashboardUrl, c) } : {}),
  logger,
}).use(withContext);
