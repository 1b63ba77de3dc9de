import { appendFile } from 'node:fs/promises';
import type { Alert, AlertSink } from '../src/alerts/alert.ts';
import { slackText } from '../src/alerts/slack-text.ts';
import { readIfPresent } from './state-file.ts';

/**
 * The local alert sink: every alert is appended to a JSON-lines log (what the dashboard reads),
 * printed as one line, and, if a webhook URL is configured, posted as Slack-compatible JSON.
 */
export function localAlertSink(logPath: string, options: { webhookUrl?: string; print?: (line: string) => void } = {}): AlertSink {
  const print = options.print ?? ((line: string) => console.log(line));
  return {
    async deliver(alert: Alert) {
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

export async function readAlertLog(logPath: string, limit = 100): Promise<Alert[]> {
  const text = await readIfPresent(logPath);
  const lines = (text ?? '').trim().split('\n').filter(Boolean);
  return lines.slice(-limit).map((line) => JSON.parse(line) as Alert).reverse();
}
