import { appendFile, open, rename, stat } from 'node:fs/promises';
import type { Alert, AlertSink } from '../../src/alerts/alert.ts';
import { slackText } from '../../src/alerts/slack-text.ts';

/** Past this size the alert log is rotated to `<log>.1` (the one before that is dropped). */
export const ALERT_LOG_MAX_BYTES = 4 * 1024 * 1024;
/** How much of a log's end one read looks at: far more than the 100 recent alerts anyone lists. */
const TAIL_BYTES = 512 * 1024;

/**
 * The local alert sink: every alert is appended to a JSON-lines log (what the dashboard reads),
 * printed as one line, and, if a webhook URL is configured, posted as Slack-compatible JSON.
 */
export function localAlertSink(logPath: string, options: { webhookUrl?: string; print?: (line: string) => void; maxBytes?: number } = {}): AlertSink {
  const print = options.print ?? ((line: string) => console.log(line));
  const maxBytes = options.maxBytes ?? ALERT_LOG_MAX_BYTES;
  return {
    async deliver(alert: Alert) {
      await rotateIfFull(logPath, maxBytes);
      await appendFile(logPath, `${JSON.stringify(alert)}\n`);
      print(`[alert] ${alert.severity.toUpperCase()} ${alert.state === 'resolved' ? 'resolved' : 'firing'}: ${alert.title}`);
      if (options.webhookUrl) {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: slackText(alert) }),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
      }
    },
  };
}

async function rotateIfFull(logPath: string, maxBytes: number): Promise<void> {
  const size = await stat(logPath).then(
    (s) => s.size,
    () => 0,
  );
  if (size >= maxBytes) await rename(logPath, `${logPath}.1`);
}

/** The newest `limit` alerts, newest first, read from the end of the log (and the rotated one before it, if needed). */
export async function readAlertLog(logPath: string, limit = 100): Promise<Alert[]> {
  const lines = await tailLines(logPath, limit);
  if (lines.length < limit) lines.unshift(...(await tailLines(`${logPath}.1`, limit - lines.length)));
  return lines.map((line) => JSON.parse(line) as Alert).reverse();
}

/** The last `limit` complete lines of a file, reading at most TAIL_BYTES from its end. */
async function tailLines(path: string, limit: number): Promise<string[]> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!file) return [];
  try {
    const { size } = await file.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    // A read that starts mid-file starts mid-line: that first piece is not a whole alert.
    if (length < size) lines.shift();
    return lines.slice(-limit);
  } finally {
    await file.close();
  }
}
