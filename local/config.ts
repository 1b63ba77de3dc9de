import { resolve } from 'node:path';

export interface LocalConfig {
  host: string;
  port: number;
  dataDir: string;
  allowedOrigins: string[];
  /** How often the analyze job runs (ms); 0 turns it off. */
  analyzeEveryMs?: number;
  /** Slack-compatible webhook for alerts. */
  alertWebhookUrl?: string;
}

/** Any page served from this machine may send beacons by default; set VITALSTREAM_ALLOWED_ORIGINS for real sites. */
export const DEFAULT_LOCAL_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://localhost', 'http://127.0.0.1'];

export function readLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0-65535, got '${env.PORT}'`);
  }
  const origins = (env.VITALSTREAM_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return {
    host: env.VITALSTREAM_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(env.VITALSTREAM_DATA_DIR ?? './.vitalstream'),
    allowedOrigins: origins.length > 0 ? origins : DEFAULT_LOCAL_ORIGINS,
    analyzeEveryMs: Number(env.VITALSTREAM_ANALYZE_EVERY_MS ?? 60_000),
    ...(env.VITALSTREAM_ALERT_WEBHOOK ? { alertWebhookUrl: env.VITALSTREAM_ALERT_WEBHOOK } : {}),
  };
}
