import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { dynamoAlertState } from '../adapters/dynamodb-alert-state.ts';
import { dynamoForecastStore } from '../adapters/dynamodb-forecasts.ts';
import { dynamoRunLease } from '../adapters/dynamodb-run-lease.ts';
import { s3BucketHistory } from '../adapters/s3-bucket-history.ts';
import { S3Client } from '@aws-sdk/client-s3';
import { snsAlertSink } from '../adapters/sns-alerts.ts';
import { createAnalyzeHandler } from '../analyze.ts';
import { detectInParallel } from '../parallel-detect.ts';
import { join } from 'node:path';
import { conditionLink } from '../../src/alerts/link.ts';
import { required } from './environment.ts';
import { metricStoreFrom } from './metric-store.ts';

const queryUrl = process.env.QUERY_URL;
const dynamo = new DynamoDBClient({});
const { store, maintain } = metricStoreFrom();

export const handler = createAnalyzeHandler({
  store,
  ...(maintain ? { maintainStore: maintain } : {}),
  alertState: dynamoAlertState(dynamo, required('ALERT_STATE_TABLE')),
  forecasts: dynamoForecastStore(dynamo, required('ALERT_STATE_TABLE')),
  lease: dynamoRunLease(dynamo, required('ALERT_STATE_TABLE')),
  detect: detectInParallel({ workerPath: join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'detect-worker.js') }),
  bucketHistory: s3BucketHistory(new S3Client({}), required('ANALYSIS_STATE_BUCKET'), required('BUCKET_HISTORY_KEY')),
  sink: snsAlertSink(new SNSClient({}), required('TOPIC_ARN')),
  ...(queryUrl
    ? { link: (c) => conditionLink(queryUrl, c) }
    : {}),
});
