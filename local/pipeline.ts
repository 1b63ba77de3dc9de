import type { Server } from 'node:http';
import { join } from 'node:path';
import { createCardinalityGuard, refuseInventedNames } from '../src/aggregation/cardinality-guard.ts';
import { WINDOW_MS } from '../src/aggregation/partial-aggregate.ts';
import { conditionLink } from '../src/alerts/link.ts';
import type { AcceptBeaconDependencies } from '../src/app/accept-beacon.ts';
import { foldBatch } from '../src/app/fold-batch.ts';
import { systemClock } from '../src/ports.ts';
import { judgeHealth } from '../src/resilience/health.ts';
import { repeatLimitedLogger } from '../src/resilience/repeat-logger.ts';
import { detectInParallel } from '../runtime/parallel-detect.ts';
import { localAlertSink } from './adapters/alert-log.ts';
import { fileAlertState } from './adapters/alert-state-file.ts';
import { fileForecastStore } from './adapters/forecast-file.ts';
import { fileKeptStatistics } from './adapters/kept-statistics-file.ts';
import { openSqliteStore, type SqliteStore } from './adapters/sqlite-store.ts';
import { openSqliteStream, type SqliteStream } from './adapters/sqlite-stream.ts';
import { watchWrites } from './adapters/watched-stream.ts';
import { scheduleAnalysis } from './analyze-schedule.ts';
import type { LocalConfig } from './config.ts';
import { type Consumer, startConsumer } from './consumer.ts';
import { ensureWritableDataDir, openDataFile, rebuildEmptiedStore } from './data-dir.ts';
import { type ConnectionGuard, guardConnections } from './edge/connection-guard.ts';
import { closeServer, listen } from './edge/http-server.ts';
import { localFiles } from './edge/local-query.ts';
import { closeQueryLines, startQueryLines } from './edge/query-lines.ts';
import { createRouter } from './edge/router.ts';
import { neverThrowing, readableLogger } from './readable-logger.ts';

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
  const queryLines = startQueryLines(config.dataDir, config.maxQueuedQueries ?? 32, say);
  const fold = {
    store,
    guard: createCardinalityGuard(),
    logger: repeatLimitedLogger(readableLogger('aggregate', say), REPEAT_LOG_INTERVAL_MS),
  };
  const consumer = startConsumer(stream, (batch) => foldBatch(fold, batch), { log: say, afterCheckpoint: compactEvery(COMPACT_EVERY_MS, store, stream) });

  const setAside = (message: string) => say(`[analyze] ${message}`);
  const analysis = scheduleAnalysis(
    {
      store,
      clock: systemClock,
      alertState: fileAlertState(files.alertState, setAside),
      forecasts: fileForecastStore(files.forecasts, setAside),
      keptStatistics: fileKeptStatistics(files.keptStatistics, setAside),
      detect: detectInParallel({ workerPath: join(import.meta.dirname, '../runtime/workers/detect-worker.ts') }),
      sink: localAlertSink(files.alertLog, { print: say, ...(config.alertWebhookUrl ? { webhookUrl: config.alertWebhookUrl } : {}) }),
      link: (condition) => conditionLink(`${http.baseUrl()}/`, condition),
      logger: readableLogger('analyze', say),
      ...(config.alertsPerAppPerRun ? { notificationsPerApp: config.alertsPerAppPerRun } : {}),
    },
    config.analyzeEveryMs,
    say,
  );

  const maxLagMs = config.maxConsumerLagMs ?? 60_000;
  const handle = createRouter({
    beacons,
    queries: queryLines,
    allowedOrigins: config.allowedOrigins,
    bodyTimeoutMs: config.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
    baseUrl: () => http.baseUrl(),
    health: () => {
      const status = consumer.status();
      const verdict = judgeHealth(status, maxLagMs, { beaconWrites, analyze: analysis.runs });
      return {
        healthy: verdict.healthy,
        body: { status: verdict.healthy ? 'ok' : 'unhealthy', reasons: verdict.reasons, stream: status, quarantinedPartials: store.quarantinedCount() },
      };
    },
  });
  const http = await listen({ ...config, log: say }, handle);
  const maxConnections = config.maxConnections ?? 4096;
  const connections = guardConnections(http.server, {
    maxConnections,
    maxPerPeer: config.maxConnectionsPerPeer ?? Math.max(16, Math.floor(maxConnections / 8)),
  });

  let closing: Promise<void> | undefined;
  return {
    url: http.baseUrl(),
    analyze: analysis.run,
    server: http.server,
    stream,
    store,
    consumer,
    connections,
    close() {
      closing ??= (async () => {
        await analysis.stop();
        await closeServer(http.server);
        await closeQueryLines(queryLines);
        await consumer.drained(5_000);
        await consumer.stop();
        stream.close();
        store.close();
      })();
      return closing;
    },
  };
}

/** Between batches, at most once per `everyMs`: old minute partials compacted, and the stream trimmed past its retention. */
function compactEvery(everyMs: number, store: SqliteStore, stream: SqliteStream): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    store.compact(now - 2 * WINDOW_MS);
    stream.trim('aggregate', now - STREAM_RETENTION_MS);
  };
}
