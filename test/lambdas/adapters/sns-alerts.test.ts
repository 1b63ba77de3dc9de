import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, snsAlertSink, snsSubject } from '../../../lambdas/adapters/sns-alerts.ts';
import type { Alert } from '../../../src/alerts/alert.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vitalstream-alerts';
const alert: Alert = {
  key: 'web_vitals_lcp/p75-poor/shop/checkout', rule: 'web_vital_poor', severity: 'warning', state: 'firing',
  title: 'LCP p75 is poor on /checkout (4.8 s > 4 s)', message: 'LCP p75 on /checkout was 4,812 ms in the minute from 19:01 UTC (312 page views).',
  at: Date.UTC(2026, 10, 26, 19, 2), app: 'shop', metric: 'web_vitals_lcp', dimensions: { page: '/checkout' }, value: 4812, threshold: 4000,
  link: 'https://dash.example.com/#metric=web_vitals_lcp&page=/checkout',
};
const noWait = async () => undefined;
beforeEach(() => sns.reset());

describe('snsAlertSink', () => {
  it('publishes a subject, a readable message and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await snsAlertSink(new SNSClient({}), TOPIC).deliver(alert);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[WARNING] LCP p75 is poor on /checkout (4.8 s > 4 s)');
    expect(input.Message).toContain('value:      4812');
    expect(input.Message).toContain('open: https://dash.example.com/');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'warning' }, state: { DataType: 'String', StringValue: 'firing' },
      rule: { DataType: 'String', StringValue: 'web_vital_poor' }, app: { DataType: 'String', StringValue: 'shop' },
      metric: { DataType: 'String', StringValue: 'web_vitals_lcp' },
    });
  });

  it('keeps subjects within what SNS accepts', () => {
    const subject = snsSubject({ ...alert, state: 'resolved', title: `Caf\u00e9 latency\nis ${'very '.repeat(40)}high` });
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^\[WARNING\] RESOLVED Caf\? latency is very/);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('retries throttling and surfaces a failure that persists or cannot be retried', async () => {
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' })).resolves({ MessageId: 'm2' });
    await snsAlertSink(new SNSClient({}), TOPIC, { wait: noWait }).deliver(alert);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    await expect(snsAlertSink(new SNSClient({}), TOPIC, { wait: noWait }).deliver(alert)).rejects.toThrow(AlertDeliveryError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
