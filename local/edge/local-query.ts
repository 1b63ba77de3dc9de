import { join } from 'node:path';
import { type QueryRoutePath, routesOf } from '../../src/api/routes.ts';
import { alertReaderOf } from '../../src/alerts/alert-reader.ts';
import { answerQuery, type QueryAnswer } from '../../src/app/answer-query.ts';
import type { MetricStore } from '../../src/ports.ts';
import { readAlertLog } from '../adapters/alert-log.ts';
import { fileAlertState } from '../adapters/alert-state-file.ts';
import { fileForecastStore } from '../adapters/forecast-file.ts';

/** Where the local pipeline keeps each file under its data directory. */
export const localFiles = (dataDir: string) => ({
  stream: join(dataDir, 'stream.db'),
  metrics: join(dataDir, 'metrics.db'),
  alertState: join(dataDir, 'alert-state.json'),
  alertLog: join(dataDir, 'alerts.jsonl'),
  forecasts: join(dataDir, 'forecasts.json'),
  keptStatistics: join(dataDir, 'bucket-history.json'),
});

/** A query as the local server hands it on: the path and its parameters. */
export interface QueryRequest {
  path: string;
  query: Record<string, string>;
}

const QUERY_PATHS = new Set<string>(routesOf('query').map((r) => r.path));

/** The query use case over the local files: the one alert reader the local runner has. */
export function localQueryAnswerer(dataDir: string, store: MetricStore): (request: QueryRequest) => Promise<QueryAnswer> {
  const files = localFiles(dataDir);
  const deps = {
    store,
    forecasts: fileForecastStore(files.forecasts),
    alerts: alertReaderOf(fileAlertState(files.alertState), (limit) => readAlertLog(files.alertLog, limit)),
  };
  return async ({ path, query }) => {
    if (!QUERY_PATHS.has(path))
      return { status: 404, body: { error: 'not_found', message: `no route ${path.slice(0, 200)}; try ${[...QUERY_PATHS].join(', ')}` } };
    return answerQuery(deps, path as QueryRoutePath, query, Date.now());
  };
}
