import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { addValue, emptyPartial } from '../../src/aggregation/partial-aggregate.ts';
import { encodeSketch, newSketch } from '@vitalstream/protocol/sketch';
import { isPermanentFailure } from '../../src/resilience/failure.ts';
import { openSqliteStore } from '../../local/adapters/sqlite-store.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const T = Date.UTC(2026, 10, 26, 19, 0);

describe('SQLite metric store', () => {
  it('hands readMetrics rows over one at a time as a cursor, never as one array of decoded partials', async () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir.path}/m.db`);
    const partials = Array.from({ length: 3 }, (_, i) => {
      const p = emptyPartial('api_request', T + i * 60_000, { app: 'e', endpoint: `/e${i}` });
      addValue(p, 10 + i);
      return p;
    });
    await store.replacePartials('batch', partials, T);
    const read = await store.readMetrics(['api_request'], T, T + 3 * 60_000);
    expect(Array.isArray(read)).toBe(false);
    const cursor = read[Symbol.iterator]();
    expect(cursor.next().value?.windowStart).toBe(T);
    expect([...{ [Symbol.iterator]: () => cursor }].map((p) => p.windowStart)).toEqual([T + 60_000, T + 120_000]);
    store.close();
    dir.remove();
  });

  it('refuses a partial with a non-finite sum as a permanent failure and stores nothing of its batch', async () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir.path}/m.db`);
    const good = emptyPartial('custom_x', T, { app: 'e' });
    addValue(good, 1);
    const bad = emptyPartial('custom_x', T + 60_000, { app: 'e' });
    bad.sum = Number.NaN;
    bad.count = 1;
    const failure = await store.replacePartials('batch', [good, bad], T).catch((error: unknown) => error);
    expect(isPermanentFailure(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/sum is NaN/);
    expect(store.rowCount()).toBe(0);
    store.close();
    dir.remove();
  });

  it('sets aside a group compaction cannot store and compacts the others', async () => {
    const dir = tempDir();
    const path = `${dir.path}/m.db`;
    const store = openSqliteStore(path);
    for (const id of ['a', 'b']) {
      const partial = emptyPartial('custom_y', T, { app: 'e' });
      addValue(partial, 2);
      await store.replacePartials(id, [partial], T);
    }
    // Rows as an older version could write them: +Inf and -Inf sums, which merge into NaN.
    const raw = new DatabaseSync(path);
    const insert = raw.prepare(`INSERT INTO partials VALUES ('custom_x', ?, '{"app":"e"}', ?, 2, ?, 1, 1, NULL, NULL, NULL, ?)`);
    insert.run(T, 'old-1', Number.POSITIVE_INFINITY, encodeSketch(newSketch()));
    insert.run(T, 'old-2', Number.NEGATIVE_INFINITY, encodeSketch(newSketch()));
    raw.close();
    expect(store.compact(T + 3_600_000)).toBe(2);
    expect(store.quarantinedCount()).toBe(2);
    const kept = [...(await store.readPartials({ metric: 'custom_y', from: T, to: T + 60_000, filters: {} }))];
    expect(kept.map((p) => [p.count, p.sum])).toEqual([[2, 4]]);
    expect([...(await store.readPartials({ metric: 'custom_x', from: T, to: T + 60_000, filters: {} }))]).toEqual([]);
    store.close();
    dir.remove();
  });
});
