import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { emptyPartial, mergeInto, type PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { fromItem, measures, pad, shortBatchId } from './dynamodb-items.ts';

/**
 * Adds batches' hour folds to one hourly rollup: read, merge the batches it does not hold yet,
 * write back on the condition that nobody else wrote it meanwhile (a second compaction), retry
 * if they did. The batch ids it holds make a repeated compaction add nothing.
 */
export async function mergeIntoRollup(
  client: DynamoDBClient,
  table: string,
  slot: { metric: string; series: string; hour: number; batches: string[]; partials: PartialAggregate[] },
  expiresAt: string,
): Promise<void> {
  const key = { pk: { S: `h#${slot.metric}#${slot.series}` }, sk: { S: pad(slot.hour) } };
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    const held = new Set(current?.held?.SS ?? []);
    const ids = slot.batches.map(shortBatchId);
    const fresh = slot.partials.filter((_, i) => !held.has(ids[i]!));
    if (fresh.length === 0) return;
    const merged = current ? fromItem(current, slot.metric, {}) : emptyPartial(slot.metric, slot.hour, {});
    for (const partial of fresh) mergeInto(merged, partial);
    const version = Number(current?.v?.N ?? 0);
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { ...key, ...measures(merged), held: { SS: [...new Set([...held, ...ids])] }, v: { N: String(version + 1) }, x: { N: expiresAt } },
          ConditionExpression: 'attribute_not_exists(pk) OR v = :v',
          ExpressionAttributeValues: { ':v': { N: String(version) } },
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException')) throw error;
    }
  }
  throw new Error(`hourly rollup ${key.pk.S} ${key.sk.S} kept changing under compaction`);
}
