// The core: no instrumented library is imported here, so an app loads only the instrumentations it
// imports by subpath (`@vitalstream/node/pg`, `/express`, ...).
export { createMonitor, type Monitor, type MonitorOptions, type ServerMetric, type SeriesTemplate, type ShutdownReport, type Transport } from './monitor.ts';
export type { TransportAnswer } from './types.ts';
export { workerTransport } from './worker-transport.ts';
export { trackFunction } from './track-function.ts';
export { startProcessMetrics } from './process-metrics.ts';
export { trackCache, keyPrefix, type CacheTracker } from './cache.ts';
