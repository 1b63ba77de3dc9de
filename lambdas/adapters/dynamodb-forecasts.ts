import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { ForecastStore } from '../analyze.ts';
import type { StoredForecast } from '../../src/analysis/forecast/scheduled-forecasts.ts';
import { backoffDelay, sleep } from '../../src/resilience/backoff.ts';

const FITTED = { pk: { S: 'forecasts-fitted' } };
const itemKey = (key: string) => ({ pk: { S: `forecast|${key}` } });
const MAX_ATTEMPTS = 5;

/**
 * Scheduled forecasts as items of the alert-state table, one per series (a week of hourly points
 * is about 15 KB, far under the 400 KB item limit), written 25 at a time; the time of the last
 * refit is its own item, written last, so a refit that fails half-way is redone on the next run.
 */
export function dynamoForecastStore(client: DynamoDBClient, tableName: string): ForecastStore {
  return {
    async load(key) {
      const response = await client.send(new GetItemCommand({ TableName: tableName, Key: itemKey(key) }));
      const json = response.Item?.forecast?.S;
      return json ? (JSON.parse(json) as StoredForecast) : undefined;
    },
    async save(forecasts, fittedAt) {
      for (let first = 0; first < forecasts.length; first += 25) {
        const batch = forecasts.slice(first, first + 25);
        let pending: WriteRequest[] = batch.map((f) => ({ PutRequest: { Item: { ...itemKey(f.key), forecast: { S: JSON.stringify(f) } } } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} forecasts unwritten after ${MAX_ATTEMPTS} attempts`);
          if (attempt > 0) await sleep(backoffDelay(attempt, 50, 2000));
          const response = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
          pending = response.UnprocessedItems?.[tableName] ?? [];
        }
      }
      await client.send(new PutItemCommand({ TableName: tableName, Item: { ...FITTED, at: { N: String(fittedAt) } } }));
    },
    async fittedAt() {
      const response = await client.send(new GetItemCommand({ TableName: tableName, Key: FITTED, ConsistentRead: true }));
      return Number(response.Item?.at?.N ?? 0);
    },
  };
}
