import { parentPort, workerData } from 'node:worker_threads';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localContext } from '../../lambda-context.ts';
import { localFiles, localQueryHandler } from '../local-query.ts';
import { openSqliteStore } from '../../adapters/sqlite-store.ts';

// One query worker: its own read-only connection to the metric store, so a month-long query
// decodes and merges here while the main thread keeps answering beacons.
const { dataDir, allowedOrigins } = workerData as { dataDir: string; allowedOrigins: string[] };
const store = openSqliteStore(localFiles(dataDir).metrics, { readOnly: true });
const query = localQueryHandler(dataDir, store, allowedOrigins);

parentPort!.on('message', async ({ id, event }: { id: number; event: APIGatewayProxyEventV2 }) => {
  try {
    parentPort!.postMessage({ id, result: await query(event, localContext('query')) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
