import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConsumer } from '../../local/consumer.ts';
import { openSqliteStream, type SqliteStream } from '../../local/sqlite-stream.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let dir: ReturnType<typeof tempDir>;
let stream: SqliteStream;
beforeEach(() => {
  dir = tempDir();
  stream = openSqliteStream(`${dir.path}/stream.db`);
});
afterEach(() => {
  stream.close();
  dir.remove();
});

const put = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => stream.put([{ partitionKey: 'p', data: Buffer.from(`r${i + 1}`) }])));
const quiet = () => undefined;

describe('local event source mapping', () => {
  it('resumes at a reported failure and dead-letters it after the attempts run out', async () => {
    await put(5);
    const seen: string[] = [];
    const consumer = startConsumer(stream, async (event: KinesisStreamEvent) => {
      const seqs = event.Records.map((r) => r.kinesis.sequenceNumber);
      seen.push(seqs.join(','));
      const poison = event.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString() === 'r3');
      return { batchItemFailures: poison ? [{ itemIdentifier: poison.kinesis.sequenceNumber }] : [] };
    }, { pollMs: 5, maxAttempts: 3, log: quiet });
    expect(await consumer.drained(5000)).toBe(true);
    await consumer.stop();
    expect(seen).toEqual(['1,2,3,4,5', '3,4,5', '3,4,5', '4,5']);
    expect(stream.deadLetterCount()).toBe(1);
    expect(consumer.status()).toMatchObject({ checkpoint: 5, lag: 0 });
  });

  it('retries a batch that throws until it succeeds, losing nothing', async () => {
    await put(3);
    let calls = 0;
    const delivered: number[] = [];
    const consumer = startConsumer(stream, async (event: KinesisStreamEvent) => {
      calls += 1;
      if (calls < 3) throw new Error('store unavailable');
      delivered.push(event.Records.length);
      return { batchItemFailures: [] };
    }, { pollMs: 5, log: quiet });
    expect(await consumer.drained(10_000)).toBe(true);
    await consumer.stop();
    expect(calls).toBe(3);
    expect(delivered).toEqual([3]);
    expect(stream.deadLetterCount()).toBe(0);
  });

  it('shares one commit between puts of the same tick and keeps their order', async () => {
    await put(50);
    expect(stream.read(0, 100).map((r) => Buffer.from(r.data).toString())).toEqual(Array.from({ length: 50 }, (_, i) => `r${i + 1}`));
  });
});
