import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAggregateHandler } from '../lambdas/aggregate.ts';
import { createAnalyzeHandler } from '../lambdas/analyze.ts';
import { fileAlertState } from './alert-state-file.ts';
import { fileForecastStore } from './forecast-file.ts';
import { fileBucketHistory } from './bucket-history-file.ts';
import { detectInParallel } from '../lambdas/parallel-detect.ts';
import { localAlertSink, readAlertLog } from './alert-log.ts';
import { createIngestHandler } from '../lambdas/ingest.ts';
import { createQueryHandler } from '../lambdas/query.ts';
import { conditionLink } from '../src/alerts/link.ts';
import { createCardinalityGuard } from '../src/aggregation/cardinality-guard.ts';
import { WINDOW_MS } from '../src/aggregation/partial-aggregate.ts';
import type { LocalConfig } from './config.ts';
import { startConsumer, type Consumer } from './consumer.ts';
import { toApiGatewayEvent, writeJson, writeResult, type HttpHandler } from './http-adapter.ts';
import { localContext } from './lambda-context.ts';
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts';
import { openSqliteStream, type SqliteStream } from './sqlite-stream.ts';
import { staticFile } from './static-files.ts';

export interface RunningPipeline {
  url: string;
  /** Runs the analyze job now (it also runs on its timer). */
  analyze(): Promise<unknown>;
  server: Server;
  stream: SqliteStream;
  store: SqliteStore;
  consumer: Consumer;
  close(): Promise<void>;
}

const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
const COMPACT_EVERY_MS = 10_000;

/** The local composition root: the same handlers as on AWS, wired to SQLite and an HTTP server. */
export async function startPipeline(config: LocalConfig, log: (line: string) => void = console.log): Promise<RunningPipeline> {
  const stream = openSqliteStream(join(config.dataDir, 'stream.db'));
  const store = openSqliteStore(join(config.dataDir, 'metrics.db'));
  const ingest = createIngestHandler({ stream, allowedOrigins: config.allowedOrigins });
  const alertState = fileAlertState(join(config.dataDir, 'alert-state.json'));
  const alertLog = join(config.dataDir, 'alerts.jsonl');
  const forecasts = fileForecastStore(join(config.dataDir, 'forecasts.json'));
  const query = createQueryHandler({
    store,
    forecasts,
    allowedOrigins: config.allowedOrigins,
    alerts: {
      open: async () => Object.values((await alertState.load()).open),
      anomalies: async () => (await alertState.load()).anomalies ?? { checkedAt: 0, conditions: [] },
      recent: (limit) => readAlertLog(alertLog, limit),
    },
  });
  const aggregate = createAggregateHandler({ store, guard: createCardinalityGuard() });

  let lastCompaction = 0;
  const consumer = startConsumer(stream, (event, context) => aggregate(event, context), {
    log,
    afterCheckpoint: () => {
      const now = Date.now();
      if (now - lastCompaction < COMPACT_EVERY_MS) return;
      lastCompaction = now;
      store.compact(now - 2 * WINDOW_MS);
      stream.trim('aggregate', now - STREAM_RETENTION_MS);
    },
  });

  const analyze = createAnalyzeHandler({
    store,
    alertState,
    forecasts,
    bucketHistory: fileBucketHistory(join(config.dataDir, 'bucket-history.json')),
    detect: detectInParallel({ workerPath: join(import.meta.dirname, '../lambdas/workers/detect-worker.ts') }),
    sink: localAlertSink(alertLog, { print: log, ...(config.alertWebhookUrl ? { webhookUrl: config.alertWebhookUrl } : {}) }),
    link: (condition) => conditionLink(`${baseUrl()}/v1/aggregates`, condition),
  });
  let analyzing: Promise<unknown> | undefined;
  const runAnalyze = () => {
    analyzing ??= analyze({}, localContext('analyze'))
      .catch((error: Error) => log(`[analyze] ${error.message}`))
      .finally(() => (analyzing = undefined));
    return analyzing;
  };
  const analyzeTimer = config.analyzeEveryMs ? setInterval(() => void runAnalyze(), config.analyzeEveryMs) : undefined;
  analyzeTimer?.unref();

  const routes: Record<string, HttpHandler> = {
    '/v1/beacon': ingest as HttpHandler,
    '/v1/aggregates': query as HttpHandler,
    '/v1/metrics': query as HttpHandler,
    '/v1/alerts': query as HttpHandler,
    '/v1/advice': query as HttpHandler,
    '/v1/anomalies': query as HttpHandler,
    '/v1/forecasts': query as HttpHandler,
  };
  const allowedMethods: Record<string, string[]> = {
    '/v1/beacon': ['POST', 'OPTIONS'],
    '/v1/aggregates': ['GET', 'OPTIONS'],
    '/v1/metrics': ['GET', 'OPTIONS'],
    '/v1/alerts': ['GET', 'OPTIONS'],
    '/v1/advice': ['GET', 'OPTIONS'],
    '/v1/anomalies': ['GET', 'OPTIONS'],
    '/v1/forecasts': ['GET', 'OPTIONS'],
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = request.method ?? 'GET';
    const handle = async () => {
      if (url.pathname === '/healthz') return writeJson(response, 200, { status: 'ok', stream: consumer.status() });
      if (url.pathname === '/v1' && method === 'GET') return writeJson(response, 200, index(baseUrl()));
      const file = method === 'GET' ? await staticFile(url.pathname) : undefined;
      if (file?.status === 200) return void response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' }).end(file.body);
      if (file) return writeJson(response, 404, { error: 'not_built', message: file.message });
      const handler = routes[url.pathname];
      if (!handler) return writeJson(response, 404, { error: 'not_found', message: `no route ${url.pathname}; see GET /v1 for the API` });
      if (!allowedMethods[url.pathname]!.includes(method)) {
        return writeJson(response, 405, { error: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}` }, { allow: allowedMethods[url.pathname]!.join(', ') });
      }
      const event = await toApiGatewayEvent(request, url);
      if (event === 'too_large') {
        writeJson(response, 413, { error: 'payload_too_large', message: 'request body is over 10 MB' }, { connection: 'close' });
        request.destroy();
        return;
      }
      writeResult(response, await handler(event, localContext(url.pathname)));
    };
    handle().catch((error: unknown) => {
      log(`[http] ${method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) writeJson(response, 500, { error: 'internal_error', message: 'unexpected error; nothing was stored' });
      else response.destroy();
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const baseUrl = () => {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl(),
    analyze: runAnalyze,
    server,
    stream,
    store,
    consumer,
    close() {
      closing ??= (async () => {
        if (analyzeTimer) clearInterval(analyzeTimer);
        await analyzing;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await consumer.drained(5_000);
        await consumer.stop();
        stream.close();
        store.close();
      })();
      return closing;
    },
  };
}

function index(base: string) {
  return {
    name: 'vitalstream',
    endpoints: {
      beacon: `POST ${base}/v1/beacon`,
      aggregates: `GET ${base}/v1/aggregates?metric=web_vitals_lcp&from=<ISO or epoch ms>&to=<...>[&<dimension>=<value>][&group_by=<dimension>]`,
      metrics: `GET ${base}/v1/metrics`,
      alerts: `GET ${base}/v1/alerts`,
      advice: `GET ${base}/v1/advice[?from=&to=&app=]`,
      anomalies: `GET ${base}/v1/anomalies[?metric=]`,
      forecasts: `GET ${base}/v1/forecasts?metric=web_vitals_lcp[&<dimension>=<value>][&horizon_hours=168]`,
      health: `GET ${base}/healthz`,
      demo: `${base}/demo`,
      browserSdk: `${base}/sdk/vitalstream.min.js`,
    },
  };
}
