import {
  BatchWriteItemCommand,
  paginateQuery,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { resubmitLeftovers } from '@vitalstream/protocol/stream';

const MAX_PER_CALL = 25;
const MAX_ROUNDS = 8;

/**
 * Writes (puts and deletes) through BatchWriteItem, 25 a call, a few calls at once. The SDK
 * retries a failed call by itself; what it cannot retry is a call that succeeds with some items
 * left unprocessed (throttled partitions), so only those go round again, with backoff.
 */
export async function writeAllItems(client: DynamoDBClient, table: string, requests: readonly WriteRequest[], parallel = 4): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += MAX_PER_CALL) chunks.push(requests.slice(i, i + MAX_PER_CALL));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      await resubmitLeftovers(
        chunks[next++]!,
        async (pending) => {
          const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [...pending] } }));
          return answer.UnprocessedItems?.[table] ?? [];
        },
        {
          maxRounds: MAX_ROUNDS,
          baseDelayMs: 50,
          maxDelayMs: 2000,
          giveUp: (left) => new Error(`DynamoDB left ${left.length} writes unprocessed after ${MAX_ROUNDS} rounds`),
        },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
}

/** Runs `work` over `items` with at most `parallel` at once, keeping the results' order. */
export async function mapLimited<T, R>(items: readonly T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** Every item a Query matches, all pages read. */
export async function queryAll(client: DynamoDBClient, table: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateQuery({ client }, { TableName: table, ...input })) items.push(...(page.Items ?? []));
  return items;
}
