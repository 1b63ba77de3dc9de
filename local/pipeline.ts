import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { foldBatch } from '../src/app/fold-batch.ts';
import { type AnalysisDependencies, runAnalysis } from '../src/app/run-analysis.ts';
import { systemClock } from '../src/ports.ts';
import { detectInParallel } from '../runtime/parallel-detect.ts';
import type { AcceptBeaconDependencies } from '../src/app/accept-beacon.ts';
import { conditionLink } from '../src/alerts/link.ts';
import { createCardinalityGuard, refuseInventedNames } from '../src/aggregation/cardinality-guard.ts';
import { WINDOW_MS } from '../src/aggregation/partial-aggregate.ts';
import { judgeHealth } from '../src/resilience/health.ts';
import { repeatLimitedLogger } from '../src/resilience/repeat-logger.ts';
import { QUERY_LIMITS } from '../src/settings.ts';
import { fileAlertState } from './adapters/alert-state-file.ts';
import { fileForecastStore } from './adapters/forecast-file.ts';
import { fileKeptStatistics } from './adapters/kept-statistics-file.ts';
import { localAlertSink } from './adapters/alert-log.ts';
import type { LocalConfig } from './config.ts';
import { guardConnections, type ConnectionGuard } from './edge/connection-guard.ts';
import { ensureWritableDataDir, openDataFile, rebuildEmptiedStore } from './data-dir.ts';
import { startConsumer, type Consumer } from './consumer.ts';
import { writeJson } from './edge/http-adapter.ts';
import { localFiles } from './edge/local-query.ts';
import { createRouter } from './edge/router.ts';
import { neverThrowing, readableLogger } from './readable-logger.ts';
import { startQueryPool } from './edge/query-pool.ts';
import { openSqliteStore, type SqliteStore } from './adapters/sqlite-store.ts';
import { openSqliteStream, type SqliteStream } from './adapters/sqlite-stream.ts';
import type { MetricStream } from '../src/ports.ts';

export interface RunningPipeline {
  url: string;
  /** Runs the analyze job now (it also runs on its timer). */
  analyze(): Promise<unknown>;
  server: Server;
  stream: SqliteStream;
  store: SqliteStore;
  consumer: Consumer;
  connections: ConnectionGuard;
  close(): Promise<void>;
}

const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
const COMPACT_EVERY_MS = 10_000;
const QUERY_TIMEOUT_MS = QUERY_LIMITS.timeoutMs;
/**
 * A body must arrive within this of its headers: 64 KiB takes a fraction of a second on any link
 * a browser sends from, and 5 s still carries it at 100 kbit/s.
 */
const BODY_TIMEOUT_MS = 5_000;
/** A log line that would repeat on every beacon is written once a minute, with a count. */
const REPEAT_LOG_INTERVAL_MS = 60_000;

/** The local composition root: the same use cases as on AWS, wired to SQLite, worker threads and an HTTP server. */
export async function startPipeline(config: LocalConfig, log: (line: string) => void = console.log): Promise<RunningPipeline> {
  const say = neverThrowing(log);
  const files = localFiles(config.dataDir);
  ensureWritableDataDir(config.dataDir);
  const stream = openDataFile(files.stream, 'the beacon stream', () => openSqliteStream(files.stream));
  const store = openDataFile(files.metrics, 'the metric store', () => openSqliteStore(files.metrics));
  const rebuilding = rebuildEmptiedStore(store, stream, 'aggregate');
  if (rebuilding) say(`[start] ${rebuilding}`);
  const beaconWrites = watchWrites(stream);
  const beacons: AcceptBeaconDependencies = {
    stream: beaconWrites.stream,
    clock: systemClock,
    newId: () => crypto.randomUUID(),
    refuseName: refuseInventedNames(createCardinalityGuard(), Date.now),
    logger: repeatLimitedLogger(readableLogger('ingest', say), REPEAT_LOG_INTERVAL_MS),
    ...(config.allowedApps ? { allowedApps: config.allowedApps } : {}),
  };
  const setAside = (message: string) => say(`[analyze] ${message}`);
  const alertState = fileAlertState(files.alertState, setAside);
  const forecasts = fileForecastStore(files.forecasts, setAside);
  // Two lines, each with its own workers and queue: range scans (aggregates, advice, forecasts)
  // cannot hold up lookups (metrics, alerts, anomalies). In each, one client may hold at most half
  // the queue, so it cannot fill either line for everyone else.
  const maxQueued = config.maxQueuedQueries ?? 32;
  const pool = (workers: number) =>
    startQueryPool({
      workerPath: join(import.meta.dirname, 'edge/workers/query-worker.ts'),
      workerData: { dataDir: config.dataDir },
      workers,
      maxQueued,
      maxPerClient: workers + Math.max(1, Math.ceil(maxQueued / 2)),
      timeoutMs: QUERY_TIMEOUT_MS,
      log: say,
    });
  const queryLines = { scan: pool(Math.max(1, availableParallelism() - 1)), lookup: pool(1) };
  const fold = {
    store,
    guard: createCardinalityGuard(),
    logger: repeatLimitedLogger(readableLogger('aggregate', say), REPEAT_LOG_INTERVAL_MS),
  };

  let lastCompaction = 0;
  const consumer = startConsumer(stream, (batch) => foldBatch(fold, batch), {
    log: say,
    afterCheckpoint: () => {
      const now = Date.now();
      if (now - lastCompaction < COMPACT_EVERY_MS) return;
      lastCompaction = now;
      store.compact(now - 2 * WINDOW_MS);
      stream.trim('aggregate', now - STREAM_RETENTION_MS);
    },
  });

  const analysis: AnalysisDependencies = {
    store,
    clock: systemClock,
    alertState,
    forecasts,
    keptStatistics: fileKeptStatistics(files.keptStatistics, setAside),
    detect: detectInParallel({ workerPath: join(import.meta.dirname, '../runtime/workers/detect-worker.ts') }),
    sink: localAlertSink(files.alertLog, { print: say, ...(config.alertWebhookUrl ? { webhookUrl: config.alertWebhookUrl } : {}) }),
    link: (condition) => conditionLink(`${baseUrl()}/`, condition),
    logger: readableLogger('analyze', say),
    ...(config.alertsPerAppPerRun ? { notificationsPerApp: config.alertsPerAppPerRun } : {}),
  };
  let analyzing: Promise<unknown> | undefined;
  const analyzeRuns = { failuresInARow: 0, lastError: undefined as string | undefined };
  const runAnalyze = () => {
    analyzing ??= runAnalysis(analysis)
      .then(() => (analyzeRuns.failuresInARow = 0))
      .catch((error: Error) => {
        analyzeRuns.failuresInARow += 1;
        analyzeRuns.lastError = error.message;
        say(`[analyze] ${error.message}`);
      })
      .finally(() => (analyzing = undefined));
    return analyzing;
  };
  const analyzeTimer = config.analyzeEveryMs ? setInterval(() => void runAnalyze(), config.analyzeEveryMs) : undefined;
  analyzeTimer?.unref();

  const maxLagMs = config.maxConsumerLagMs ?? 60_000;
  const handle = createRouter({
    beacons,
    queries: queryLines,
    allowedOrigins: config.allowedOrigins,
    bodyTimeoutMs: config.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
    baseUrl: () => baseUrl(),
    health: () => {
      const status = consumer.status();
      const verdict = judgeHealth(status, maxLagMs, { beaconWrites, analyze: analyzeRuns });
      return {
        healthy: verdict.healthy,
        body: { status: verdict.healthy ? 'ok' : 'unhealthy', reasons: verdict.reasons, stream: status, quarantinedPartials: store.quarantinedCount() },
      };
    },
  });

  const server = createServer(
    {
      // Slow or silent clients are cut off: headers within 10 s, the whole request within 15 s,
      // checked every second (Node's default check runs every 30 s).
      headersTimeout: config.headersTimeoutMs ?? 10_000,
      requestTimeout: config.requestTimeoutMs ?? 15_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        say(`[http] ${request.method} failed: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent) writeJson(response, 500, { error: 'internal_error', message: 'unexpected error; nothing was stored' });
        else response.destroy();
      });
    },
  );
  const maxConnections = config.maxConnections ?? 4096;
  const connections = guardConnections(server, { maxConnections, maxPerPeer: config.maxConnectionsPerPeer ?? Math.max(16, Math.floor(maxConnections / 8)) });
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
    connections,
    close() {
      closing ??= (async () => {
        if (analyzeTimer) clearInterval(analyzeTimer);
        await analyzing;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await Promise.all([queryLines.scan.close(), queryLines.lookup.close()]);
        await consumer.drained(5_000);
        await consumer.stop();
        stream.close();
        store.close();
      })();
      return closing;
    },
  };
}

/** The stream as the ingest handler sees it, remembering whether the last write failed (for /healthz). */
function watchWrites(stream: SqliteStream): { stream: MetricStream; failing: boolean; lastError?: string } {
  const watched: { stream: MetricStream; failing: boolean; lastError?: string } = {
    failing: false,
    stream: {
      async put(entries) {
        try {
          await stream.put(entries);
          watched.failing = false;
        } catch (error) {
          watched.failing = true;
          watched.lastError = (error as Error).message;
          throw error;
        }
      },
    },
  };
  return watched;
}
