import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AlertStateStore } from '../../src/ports.ts';
import { emptyAlertState, type AlertState } from '../../src/alerts/lifecycle.ts';

const KEY = { pk: { S: 'alert-state' } };

/**
 * The alert lifecycle as one DynamoDB item (on-demand: a few reads and writes per run cost
 * fractions of a cent a month). Timestream cannot hold mutable state, and reading it back would
 * cost a 30 s query minimum each run. Items are capped at 400 KB: thousands of open alerts.
 */
export function dynamoAlertState(client: DynamoDBClient, tableName: string): AlertStateStore {
  return {
    async load() {
      const response = await client.send(new GetItemCommand({ TableName: tableName, Key: KEY, ConsistentRead: true }));
      const json = response.Item?.state?.S;
      return json ? (JSON.parse(json) as AlertState) : emptyAlertState();
    },
    async save(state) {
      await client.send(
        new PutItemCommand({ TableName: tableName, Item: { ...KEY, state: { S: JSON.stringify(state) }, updatedAt: { N: String(Date.now()) } } }),
      );
    },
  };
}
