import type { StreamBatch } from '../../src/app/fold-batch.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConsumer } from '../../local/consumer.ts';
import { openSqliteStream, type SqliteStream } from '../../local/adapters/sqlite-stream.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

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
    const consumer = startConsumer(
      stream,
      async (batch: StreamBatch) => {
        const seqs = batch.records.map((r) => r.id);
        seen.push(seqs.join(','));
        const poison = batch.records.find((r) => Buffer.from(r.data).toString() === 'r3');
        return poison ? { failedId: poison.id } : {};
      },
      { pollMs: 5, maxAttempts: 3, log: quiet },
    );
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
    const consumer = startConsumer(
      stream,
      async (batch: StreamBatch) => {
        calls += 1;
        if (calls < 3) throw new Error('store unavailable');
        delivered.push(batch.records.length);
        return {};
      },
      { pollMs: 5, log: quiet },
    );
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

describe('local event source mapping and permanent failures', () => {
  it('bisects a batch that fails permanently down to the one record, dead-letters it, and delivers the rest once', async () => {
    const { PermanentFailure } = await import('../../src/resilience/failure.ts');
    await put(10);
    const delivered: string[] = [];
    const consumer = startConsumer(
      stream,
      async (batch: StreamBatch) => {
        const bodies = batch.records.map((r) => Buffer.from(r.data).toString());
        if (bodies.includes('r7')) throw new PermanentFailure('the store refuses r7');
        delivered.push(...bodies);
        return {};
      },
      { pollMs: 5, maxAttempts: 3, log: quiet },
    );
    expect(await consumer.drained(5000)).toBe(true);
    await consumer.stop();
    expect(delivered).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r8', 'r9', 'r10']);
    expect(stream.deadLetterCount()).toBe(1);
  });

  it('retries a transient failure whole, without dead-lettering, and reports itself failing meanwhile', async () => {
    await put(2);
    let calls = 0;
    let seenFailing = false;
    const consumer = startConsumer(
      stream,
      async () => {
        calls += 1;
        if (calls < 8) throw new Error('SQLITE_FULL: database or disk is full');
        return {};
      },
      { pollMs: 5, log: quiet },
    );
    const { judgeHealth } = await import('../../src/resilience/health.ts');
    while (!(await consumer.drained(20))) {
      const verdict = judgeHealth(consumer.status(), 60_000);
      if (!verdict.healthy) {
        seenFailing = true;
        expect(verdict.reasons[0]).toMatch(/failing: SQLITE_FULL/);
      }
    }
    await consumer.stop();
    expect(seenFailing).toBe(true);
    expect(stream.deadLetterCount()).toBe(0);
    expect(judgeHealth(consumer.status(), 60_000).healthy).toBe(true);
  });
});
