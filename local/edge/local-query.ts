import { join } from 'node:path';
import { alertReaderOf } from '../../lambdas/alert-reader.ts';
import { createQueryHandler } from '../../lambdas/query.ts';
import type { MetricStore } from '../../src/ports.ts';
import { readAlertLog } from '../adapters/alert-log.ts';
import { fileAlertState } from '../adapters/alert-state-file.ts';
import { fileForecastStore } from '../adapters/forecast-file.ts';
import { readableLogger } from '../readable-logger.ts';

/** Where the local pipeline keeps each file under its data directory. */
export const localFiles = (dataDir: string) => ({
  stream: join(dataDir, 'stream.db'),
  metrics: join(dataDir, 'metrics.db'),
  alertState: join(dataDir, 'alert-state.json'),
  alertLog: join(dataDir, 'alerts.jsonl'),
  forecasts: join(dataDir, 'forecasts.json'),
  keptStatistics: join(dataDir, 'bucket-history.json'),
});

/** The query handler over the local files: the one alert reader the local runner has. */
export function localQueryHandler(dataDir: string, store: MetricStore, allowedOrigins: readonly string[]) {
  const files = localFiles(dataDir);
  return createQueryHandler({
    store,
    forecasts: fileForecastStore(files.forecasts),
    allowedOrigins,
    alerts: alertReaderOf(fileAlertState(files.alertState), (limit) => readAlertLog(files.alertLog, limit)),
    logger: readableLogger('query', (line) => console.error(line)),
  });
}
