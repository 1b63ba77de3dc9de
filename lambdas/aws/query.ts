import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { timestreamStore } from '../adapters/timestream-store.ts';
import { createQueryHandler } from '../query.ts';
import { list, required } from './environment.ts';

export const handler = createQueryHandler({
  store: timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), {
    database: required('TIMESTREAM_DATABASE'),
    table: required('TIMESTREAM_TABLE'),
  }),
  allowedOrigins: list(process.env.ALLOWED_ORIGINS),
});
