import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { BATCH_FINAL_AFTER_MS, HOUR_MS } from '../../src/storage/rollup-plan.ts';
import { mapLimited, queryAll } from './dynamodb-batch.ts';
import { WATERMARK_KEY, expiry, fromEncoded, pad } from './dynamodb-items.ts';
import type { batchManifests } from './dynamodb-manifests.ts';
import { mergeIntoRollup } from './dynamodb-rollups.ts';

export interface CompactionTarget {
  client: DynamoDBClient;
  table: string;
  readManifest: ReturnType<typeof batchManifests>['readManifest'];
  /** Rollups expire this long after their hour. */
  retentionMs: number;
}

/** Where compaction has reached: every final batch that arrived before it is in the hourly rollups. */
export async function readWatermark(client: DynamoDBClient, table: string): Promise<number> {
  const answer = await client.send(new GetItemCommand({ TableName: table, Key: WATERMARK_KEY, ConsistentRead: true }));
  return Number(answer.Item?.until?.N ?? 0);
}

/**
 * Folds every batch that became final (no retry can rewrite it any more) since the watermark into
 * the hourly rollups, oldest first and at most `maxBatches` a run, then moves the watermark.
 */
export async function compactSettled(target: CompactionTarget, now: number, maxBatches: number): Promise<{ batches: number; rollups: number; until: number }> {
  const { client, table } = target;
  const since = await readWatermark(client, table);
  const finalBefore = now - BATCH_FINAL_AFTER_MS;
  if (finalBefore <= since) return { batches: 0, rollups: 0, until: since };
  const index = (
    await queryAll(client, table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': { S: 'batches' }, ':from': { S: pad(since) }, ':to': { S: pad(finalBefore) } },
      ConsistentRead: true,
    })
  ).slice(0, maxBatches);
  const contributions = new Map<string, { metric: string; series: string; hour: number; batches: string[]; partials: PartialAggregate[] }>();
  for (const entry of index) {
    const batch = entry.sk!.S!.slice(10);
    const { manifest } = await target.readManifest(batch);
    for (const hour of manifest?.hours ?? []) {
      const key = `${hour.metric}#${hour.series}#${hour.hour}`;
      const slot = contributions.get(key) ?? { metric: hour.metric, series: hour.series, hour: hour.hour, batches: [], partials: [] };
      slot.batches.push(batch);
      slot.partials.push(fromEncoded(hour));
      contributions.set(key, slot);
    }
  }
  await mapLimited([...contributions.values()], 8, (slot) => mergeIntoRollup(client, table, slot, expiry(slot.hour + HOUR_MS + target.retentionMs)));
  // All of [since, until) is folded in; a batch arriving exactly at `until` comes next time.
  const until = index.length === maxBatches ? parseInt(index.at(-1)!.sk!.S!.slice(0, 9), 36) : finalBefore;
  await client.send(new PutItemCommand({ TableName: table, Item: { ...WATERMARK_KEY, until: { N: String(until) } } }));
  return { batches: index.length, rollups: contributions.size, until };
}
