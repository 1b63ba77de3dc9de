import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { dynamoAlertState } from '../adapters/dynamodb-alert-state.ts';
import { dynamoForecastStore } from '../adapters/dynamodb-forecasts.ts';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { timestreamStore } from '../adapters/timestream-store.ts';
import { createQueryHandler } from '../query.ts';
import { list, required } from './environment.ts';

const dynamo = new DynamoDBClient({});
const alertState = dynamoAlertState(dynamo, required('ALERT_STATE_TABLE'));

export const handler = createQueryHandler({
  forecasts: dynamoForecastStore(dynamo, required('ALERT_STATE_TABLE')),
  alerts: {
    open: async () => Object.values((await alertState.load()).open),
    anomalies: async () => (await alertState.load()).anomalies ?? { checkedAt: 0, conditions: [] },
  },
  store: timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), {
    database: required('TIMESTREAM_DATABASE'),
    table: required('TIMESTREAM_TABLE'),
  }),
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
  dashboardRefreshSeconds: Number(process.env.DASHBOARD_REFRESH_SECONDS ?? 300),
});
