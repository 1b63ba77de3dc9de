import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snsClient } from '../../../lambdas/aws/clients.ts';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, snsAlertSink, snsSubject } from '../../../lambdas/adapters/sns-alerts.ts';
import type { Alert } from '../../../src/alerts/alert.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vitalstream-alerts';
const alert: Alert = {
  key: 'web_vitals_lcp/p75-poor/shop/checkout',
  rule: 'web_vital_poor',
  severity: 'warning',
  state: 'firing',
  title: 'LCP p75 is poor on /checkout (4.8 s > 4 s)',
  message: 'LCP p75 on /checkout was 4,812 ms in the minute from 19:01 UTC (312 page views).',
  at: Date.UTC(2026, 10, 26, 19, 2),
  app: 'shop',
  metric: 'web_vitals_lcp',
  dimensions: { page: '/checkout' },
  value: 4812,
  threshold: 4000,
  link: 'https://dash.example.com/#metric=web_vitals_lcp&page=/checkout',
};
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
      severity: { DataType: 'String', StringValue: 'warning' },
      state: { DataType: 'String', StringValue: 'firing' },
      rule: { DataType: 'String', StringValue: 'web_vital_poor' },
      app: { DataType: 'String', StringValue: 'shop' },
      metric: { DataType: 'String', StringValue: 'web_vitals_lcp' },
    });
  });

  it('keeps subjects within what SNS accepts', () => {
    const subject = snsSubject({ ...alert, state: 'resolved', title: `Caf\u00e9 latency\nis ${'very '.repeat(40)}high` });
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^\[WARNING\] RESOLVED Caf\? latency is very/);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('surfaces a failure as an AlertDeliveryError, publishing once (the client retries by itself)', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    await expect(snsAlertSink(new SNSClient({}), TOPIC).deliver(alert)).rejects.toThrow(AlertDeliveryError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('the SNS client every entry point uses, against a stand-in speaking the SNS query protocol', () => {
  it('retries throttling by itself and gives up on what no retry fixes', async () => {
    sns.restore();
    const answers = [throttled, throttled, published];
    let requests = 0;
    const server = createServer((request, response) => {
      request.resume().on('end', () => {
        requests += 1;
        const [status, body] = (answers.shift() ?? notFound)();
        response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    try {
      await snsAlertSink(snsClient(), TOPIC).deliver(alert);
      expect(requests).toBe(3);
      requests = 0;
      await expect(snsAlertSink(snsClient(), TOPIC).deliver(alert)).rejects.toThrow(AlertDeliveryError);
      expect(requests).toBe(1);
    } finally {
      server.close();
      delete process.env.AWS_ENDPOINT_URL_SNS;
    }
  });
});

function throttled(): [number, string] {
  return [
    400,
    '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>',
  ];
}
function published(): [number, string] {
  return [
    200,
    '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>',
  ];
}
function notFound(): [number, string] {
  return [
    404,
    '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>',
  ];
}
