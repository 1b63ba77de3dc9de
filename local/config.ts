import { resolve } from 'node:path';
import { readAllowedApps, type AllowedApps } from '../src/beacon/app-policy.ts';
import { ALERT_DELIVERY } from '../src/settings.ts';

export interface LocalConfig {
  host: string;
  port: number;
  dataDir: string;
  allowedOrigins: string[];
  /** The apps beacons are accepted for (VITALSTREAM_APPS); undefined accepts any. */
  allowedApps?: AllowedApps;
  /** Open connections at most; past it the longest-idle one is closed for a newcomer. */
  maxConnections?: number;
  /** Open connections one remote address may hold (default an eighth of maxConnections, at least 16). */
  maxConnectionsPerPeer?: number;
  /** A request body must arrive within this of its headers (ms; 408 after). */
  bodyTimeoutMs?: number;
  /** /healthz answers 503 once the oldest record the consumer has not passed is older than this. */
  maxConsumerLagMs?: number;
  /** Queries that may wait for a query worker; past it a query is answered 429. */
  maxQueuedQueries?: number;
  /** A client must send its headers within this (ms; 408 after), and its whole request within requestTimeoutMs. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How often the analyze job runs (ms); 0 turns it off. */
  analyzeEveryMs?: number;
  /** Alert notifications one analysis run sends per app; the rest go out as one digest. */
  alertsPerAppPerRun?: number;
  /** Slack-compatible webhook for alerts. */
  alertWebhookUrl?: string;
}

/** Any page served from this machine may send beacons by default; set VITALSTREAM_ALLOWED_ORIGINS for real sites. */
export const DEFAULT_LOCAL_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://localhost', 'http://127.0.0.1'];

export function readLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const value = Number(raw ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer ${min}-${max}, got '${raw}'`);
    return value;
  };
  const port = integer('PORT', 8787, 0, 65535);
  const allowedApps = readAllowedApps(env.VITALSTREAM_APPS);
  const origins = (env.VITALSTREAM_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    // As on AWS: sendBeacon sends credentials, and a browser refuses a credentialed answer to `*`.
    if (origin === '*' || !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(
        `VITALSTREAM_ALLOWED_ORIGINS: '${origin.slice(0, 120)}' is not an origin like https://shop.example.com (a * may stand within the host or port, never alone)`,
      );
    }
  }
  return {
    host: env.VITALSTREAM_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(env.VITALSTREAM_DATA_DIR ?? './.vitalstream'),
    allowedOrigins: origins.length > 0 ? origins : DEFAULT_LOCAL_ORIGINS,
    analyzeEveryMs: integer('VITALSTREAM_ANALYZE_EVERY_MS', 60_000, 0, 86_400_000),
    maxConnections: integer('VITALSTREAM_MAX_CONNECTIONS', 4096, 16, 1_000_000),
    ...(env.VITALSTREAM_MAX_CONNECTIONS_PER_PEER ? { maxConnectionsPerPeer: integer('VITALSTREAM_MAX_CONNECTIONS_PER_PEER', 512, 1, 1_000_000) } : {}),
    maxConsumerLagMs: integer('VITALSTREAM_MAX_LAG_SECONDS', 60, 1, 86_400) * 1000,
    maxQueuedQueries: integer('VITALSTREAM_MAX_QUEUED_QUERIES', 32, 0, 10_000),
    alertsPerAppPerRun: integer('VITALSTREAM_ALERTS_PER_APP', ALERT_DELIVERY.notificationsPerApp, 1, 100),
    ...(allowedApps ? { allowedApps } : {}),
    ...(env.VITALSTREAM_ALERT_WEBHOOK ? { alertWebhookUrl: env.VITALSTREAM_ALERT_WEBHOOK } : {}),
  };
}
