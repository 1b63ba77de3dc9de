import { dynamoAlertState } from '../adapters/dynamodb-alert-state.ts';
import { dynamoForecastStore } from '../adapters/dynamodb-forecasts.ts';
import { alertReaderOf } from '../../src/alerts/alert-reader.ts';
import { createQueryHandler } from '../query.ts';
import { dynamoClient } from './clients.ts';
import { list, required } from './environment.ts';
import { lambdaLogger } from './logging.ts';
import { metricStoreFrom } from './metric-store.ts';

const { logger, withContext } = lambdaLogger('query');

const dynamo = dynamoClient();

export const handler = createQueryHandler({
  forecasts: dynamoForecastStore(dynamo, required('ALERT_STATE_TABLE')),
  alerts: alertReaderOf(dynamoAlertState(dynamo, required('ALERT_STATE_TABLE'))),
  store: metricStoreFrom().store,
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
  dashboardRefreshSeconds: Number(process.env.DASHBOARD_REFRESH_SECONDS ?? 300),
  logger,
}).use(withContext);
