import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../../adapters/sqlite-store.ts';
import { localFiles, localQueryAnswerer, type QueryRequest } from '../local-query.ts';

// One query worker: its own read-only connection to the metric store, so a month-long query
// decodes and merges here while the main thread keeps answering beacons.
const { dataDir } = workerData as { dataDir: string };
const answer = localQueryAnswerer(dataDir, openSqliteStore(localFiles(dataDir).metrics, { readOnly: true }));

parentPort!.on('message', async ({ id, request }: { id: number; request: QueryRequest }) => {
  try {
    parentPort!.postMessage({ id, result: await answer(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
