import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localAlertSink, readAlertLog } from '../../local/adapters/alert-log.ts';
import type { Alert } from '../../src/alerts/alert.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const dir = tempDir();
afterAll(() => dir.remove());
const alert = (i: number): Alert => ({
  key: `k${i}`,
  rule: 'slow_request',
  severity: 'warning',
  state: 'firing',
  title: `alert ${i}`,
  message: 'm'.repeat(100),
  at: i,
});

describe('the local alert log', () => {
  it('is rotated past its size bound, and the newest alerts are still listed newest first', async () => {
    const log = join(dir.path, 'alerts.jsonl');
    const sink = localAlertSink(log, { print: () => undefined, maxBytes: 2_000 });
    for (let i = 0; i < 60; i++) await sink.deliver(alert(i));
    expect(existsSync(`${log}.1`)).toBe(true);
    expect(statSync(log).size).toBeLessThan(2_000 + 300);
    expect(statSync(`${log}.1`).size).toBeLessThan(2_000 + 300);
    const newest = await readAlertLog(log, 20);
    expect(newest.map((a) => a.title)).toEqual(Array.from({ length: 20 }, (_, i) => `alert ${59 - i}`));
  });

  it('reads only the end of a large log', async () => {
    const log = join(dir.path, 'big.jsonl');
    const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify(alert(i))).join('\n');
    writeFileSync(log, `${lines}\n`);
    expect(statSync(log).size).toBeGreaterThan(5_000_000);
    expect((await readAlertLog(log, 3)).map((a) => a.at)).toEqual([39_999, 39_998, 39_997]);
  });
});
