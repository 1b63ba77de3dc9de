import type { AttributeValue, DynamoDBClient, QueryCommandInput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { queryAll, writeAllItems } from './dynamodb-batch.ts';
import { expiry, type Manifest } from './dynamodb-items.ts';

const DAY_MS = 86_400_000;
/** Manifests (and the batch index) outlive the 7 h until their batch is final by a margin for a compaction that falls behind. */
export const MANIFEST_TTL_MS = 14 * DAY_MS;
const MANIFEST_CHUNK_BYTES = 350_000; // under DynamoDB's 400 KB item limit

/**
 * A batch's manifests (`b#<batch>` / `<write>#<chunk>`): which minute items each write of the
 * batch made, and the batch folded per series and hour, gzipped and chunked under the item limit.
 * A replay reads the newest complete write to delete what it no longer writes; a write that died
 * half way is ignored, and deleted with the others once a newer one is complete.
 */
export function batchManifests(client: DynamoDBClient, table: string) {
  const query = (input: Omit<QueryCommandInput, 'TableName'>) => queryAll(client, table, input);

  const readManifest = async (batch: string) => {
    const items = await query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `b#${batch}` } }, ConsistentRead: true });
    const byWrite = new Map<string, Record<string, AttributeValue>[]>();
    for (const item of items) {
      const write = item.sk!.S!.split('#')[0]!;
      byWrite.set(write, [...(byWrite.get(write) ?? []), item]);
    }
    // The newest write whose chunks are all there; a write that died half way is ignored.
    const complete = [...byWrite.entries()].filter(([, chunks]) => chunks.length === Number(chunks[0]!.n!.N)).sort(([a], [b]) => (a < b ? 1 : -1));
    const newest = complete[0];
    if (!newest) return { writes: [...byWrite.keys()], manifest: undefined };
    const body = Buffer.concat(newest[1].sort((a, b) => (a.sk!.S! < b.sk!.S! ? -1 : 1)).map((c) => Buffer.from(c.body!.B!)));
    return { writes: [...byWrite.keys()], writeId: newest[0], manifest: JSON.parse(gunzipSync(body).toString('utf8')) as Manifest };
  };

  const manifestWrites = (batch: string, writeId: string, manifest: Manifest, batchTime: number): WriteRequest[] => {
    const body = gzipSync(JSON.stringify(manifest));
    const chunks = Math.max(1, Math.ceil(body.length / MANIFEST_CHUNK_BYTES));
    return Array.from({ length: chunks }, (_, i) => ({
      PutRequest: {
        Item: {
          pk: { S: `b#${batch}` },
          sk: { S: `${writeId}#${String(i).padStart(4, '0')}` },
          n: { N: String(chunks) },
          t: { N: String(batchTime) },
          body: { B: body.subarray(i * MANIFEST_CHUNK_BYTES, (i + 1) * MANIFEST_CHUNK_BYTES) },
          x: { N: expiry(batchTime + MANIFEST_TTL_MS) },
        },
      },
    }));
  };

  const deleteManifestWrites = async (batch: string, writes: readonly string[]) => {
    const items = await query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `b#${batch}` } },
      ConsistentRead: true,
      ProjectionExpression: 'pk, sk',
    });
    const doomed = items.filter((item) => writes.includes(item.sk!.S!.split('#')[0]!));
    await writeAllItems(
      client,
      table,
      doomed.map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })),
    );
  };

  return { readManifest, manifestWrites, deleteManifestWrites };
}
