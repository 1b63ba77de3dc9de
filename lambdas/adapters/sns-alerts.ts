import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertSink } from '../../src/alerts/alert.ts';

export class AlertDeliveryError extends Error {
  constructor(
    readonly alertKey: string,
    cause: unknown,
  ) {
    super(`alert '${alertKey}' was not delivered: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'AlertDeliveryError';
  }
}

/** An e-mail subject SNS accepts: ASCII, no line breaks, at most 100 characters. */
export function snsSubject(alert: Alert): string {
  const text = `[${alert.severity.toUpperCase()}]${alert.state === 'resolved' ? ' RESOLVED' : ''} ${alert.title}`
    .replace(/[\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Six significant digits: a p95 of 2190.1751472458645 ms reads as 2190.18. */
const readable = (value: number) => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6))));

export function snsMessage(alert: Alert): string {
  const lines = [alert.message, ''];
  if (alert.metric) lines.push(`metric:     ${alert.metric}`);
  if (alert.value !== undefined) lines.push(`value:      ${readable(alert.value)}`);
  if (alert.threshold !== undefined) lines.push(`threshold:  ${readable(alert.threshold)}`);
  for (const [name, value] of Object.entries(alert.dimensions ?? {})) lines.push(`${`${name}:`.padEnd(12)}${value}`);
  lines.push(`at:         ${new Date(alert.at).toISOString()}`);
  if (alert.link) lines.push('', `open: ${alert.link}`);
  return lines.join('\n');
}

/** Attributes subscribers filter on (e.g. a pager subscription with {"severity": ["critical"]}). */
export function snsAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: alert.severity },
    state: { DataType: 'String', StringValue: alert.state },
    rule: { DataType: 'String', StringValue: alert.rule },
  };
  if (alert.app) attributes.app = { DataType: 'String', StringValue: alert.app };
  if (alert.metric) attributes.metric = { DataType: 'String', StringValue: alert.metric };
  return attributes;
}

/** Publishes each alert once: the client's own retry strategy (lambdas/aws/clients.ts) retries throttling. */
export function snsAlertSink(client: SNSClient, topicArn: string): AlertSink {
  return {
    async deliver(alert) {
      try {
        await client.send(
          new PublishCommand({ TopicArn: topicArn, Subject: snsSubject(alert), Message: snsMessage(alert), MessageAttributes: snsAttributes(alert) }),
        );
      } catch (error) {
        throw new AlertDeliveryError(alert.key, error);
      }
    },
  };
}
