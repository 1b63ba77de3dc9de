import type { Alert } from './alert.ts';

/**
 * Slack (and the webhooks that copy its format) reads `<...>` as a link or a mention: a dimension
 * value `<!channel>` would ping everyone and `<https://x|Click here>` would disguise a link.
 * Slack's rule is to escape `&`, `<` and `>` in all text that is not such a control sequence.
 */
export const escapeSlack = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The webhook message of an alert: every piece from the data is escaped; only the link is markup. */
export function slackText(alert: Pick<Alert, 'severity' | 'title' | 'message' | 'link'>): string {
  const head = `*[${alert.severity.toUpperCase()}]* ${escapeSlack(alert.title)}\n${escapeSlack(alert.message)}`;
  return alert.link ? `${head}\n<${escapeSlack(alert.link)}|open in vitalstream>` : head;
}
