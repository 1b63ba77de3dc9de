import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoForecastStore } from '../../../lambdas/adapters/dynamodb-forecasts.ts';
import { forecastKey, type StoredForecast } from '../../../src/analysis/forecast/scheduled-forecasts.ts';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const forecast = (app: string): StoredForecast => ({
  key: forecastKey('api_request', { app }),
  dimensions: { app },
  model: 'seasonal profile',
  ratio: 0.8,
  fittedAt: '2026-11-27T00:00:00.000Z',
  metric: 'api_request',
  statistic: 'p95',
  history: [{ t: '2026-11-26T23:00:00.000Z', value: 120 }],
  forecast: [{ t: '2026-11-27T00:00:00.000Z', value: 118, lower: 90, upper: 150 }],
});

describe('dynamoForecastStore', () => {
  it('writes forecasts 25 at a time, retries what DynamoDB leaves unprocessed, then marks the refit', async () => {
    const all = Array.from({ length: 60 }, (_, i) => forecast(`app-${i}`));
    let first = true;
    dynamo.on(BatchWriteItemCommand).callsFake((input) => {
      const requests = input.RequestItems.forecasts;
      if (first) {
        first = false;
        return { UnprocessedItems: { forecasts: requests.slice(20) } };
      }
      return {};
    });
    dynamo.on(PutItemCommand).resolves({});
    await dynamoForecastStore(new DynamoDBClient({}), 'forecasts').save(all, 1764201600000);
    const sizes = dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems!.forecasts!.length);
    // Chunks go out a few at once, so their order varies; the unprocessed 5 go round again.
    expect(sizes.sort((a, b) => a - b)).toEqual([5, 10, 25, 25]);
    const written = new Set(
      dynamo.commandCalls(BatchWriteItemCommand).flatMap((c) => c.args[0].input.RequestItems!.forecasts!.map((r) => r.PutRequest!.Item!.pk!.S)),
    );
    expect(written.size).toBe(60);
    expect(dynamo.commandCalls(PutItemCommand)[0]!.args[0].input.Item).toEqual({ pk: { S: 'forecasts-fitted' }, at: { N: '1764201600000' } });
  });

  it('does not mark the refit done when a batch keeps failing, so the next run redoes it', async () => {
    dynamo.on(BatchWriteItemCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(dynamoForecastStore(new DynamoDBClient({}), 'forecasts').save([forecast('a')], 1)).rejects.toThrow(/left 1 writes unprocessed after 8 rounds/);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('reads one forecast by key, and when the last refit was', async () => {
    const stored = forecast('shop');
    dynamo.on(GetItemCommand, { Key: { pk: { S: `forecast|${stored.key}` } } }).resolves({ Item: { forecast: { S: JSON.stringify(stored) } } });
    dynamo.on(GetItemCommand, { Key: { pk: { S: 'forecasts-fitted' } } }).resolves({ Item: { at: { N: '1764201600000' } } });
    const store = dynamoForecastStore(new DynamoDBClient({}), 'forecasts');
    expect(await store.load(stored.key)).toEqual(stored);
    expect(await store.fittedAt()).toBe(1764201600000);
    dynamo.on(GetItemCommand).resolves({});
    expect(await store.load('missing')).toBeUndefined();
    expect(await store.fittedAt()).toBe(0);
  });
});
