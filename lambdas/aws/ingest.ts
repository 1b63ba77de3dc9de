import { createCardinalityGuard, refuseInventedNames } from '../../src/aggregation/cardinality-guard.ts';
import { readAllowedApps } from '../../src/beacon/app-policy.ts';
import { kinesisStream } from '@vitalstream/protocol/kinesis';
import { createIngestHandler } from '../ingest.ts';
import { kinesisClient } from './clients.ts';
import { list, required } from './environment.ts';
import { lambdaLogger } from './logging.ts';

const { logger, withContext } = lambdaLogger('ingest');

export const handler = createIngestHandler({
  stream: kinesisStream(kinesisClient(), { streamArn: required('STREAM_ARN') }),
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
  allowedApps: readAllowedApps(process.env.ALLOWED_APPS, 'ALLOWED_APPS'),
  logger,
  // Per warm instance: each keeps its own count, and the aggregator's guard is the hard bound.
  refuseName: refuseInventedNames(createCardinalityGuard(), Date.now),
}).use(withContext);
