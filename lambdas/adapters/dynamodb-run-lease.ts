import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunLease } from '../../src/ports.ts';

/**
 * The analysis lease as one item of the state table, taken with a conditional write: it succeeds
 * only where no item exists or the one there has expired (a run that died keeps it at most until
 * its own timeout). Released by the holder alone.
 */
export function dynamoRunLease(client: DynamoDBClient, tableName: string, name = 'analysis-lease'): RunLease {
  const key = { pk: { S: name } };
  return {
    async acquire(holder, until, now) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...key, holder: { S: holder }, until: { N: String(until) } },
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async release(holder) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': { S: holder } },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException')) throw error;
      }
    },
  };
}
