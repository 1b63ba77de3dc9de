import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ForecastStore } from '../../src/ports.ts';
import type { StoredForecast } from '../../src/analysis/forecast/scheduled-forecasts.ts';
import { writeAllItems } from './dynamodb-batch.ts';

const FITTED = { pk: { S: 'forecasts-fitted' } };
const itemKey = (key: string) => ({ pk: { S: `forecast|${key}` } });

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
      await writeAllItems(
        client,
        tableName,
        forecasts.map((f) => ({ PutRequest: { Item: { ...itemKey(f.key), forecast: { S: JSON.stringify(f) } } } })),
      );
      await client.send(new PutItemCommand({ TableName: tableName, Item: { ...FITTED, at: { N: String(fittedAt) } } }));
    },
    async fittedAt() {
      const response = await client.send(new GetItemCommand({ TableName: tableName, Key: FITTED, ConsistentRead: true }));
      return Number(response.Item?.at?.N ?? 0);
    },
  };
}
