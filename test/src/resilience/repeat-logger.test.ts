import { describe, expect, it } from 'vitest';
import { repeatLimitedLogger } from '../../../src/resilience/repeat-logger.ts';

describe('a refusal that repeats', () => {
  it('is logged once per interval with how many times it came since', () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    let now = 0;
    const logger = repeatLimitedLogger({ error: (m, d) => lines.push([m, d]) }, 60_000, () => now);
    for (let i = 0; i < 12_824; i++) {
      now = i * 10;
      logger.error('stream put failed', { error: 'SQLITE_FULL' });
    }
    // 12,824 refusals over 128 s: three lines, the later two with their counts.
    expect(lines).toEqual([
      ['stream put failed', { error: 'SQLITE_FULL' }],
      ['stream put failed', { error: 'SQLITE_FULL', repeatedSinceLastLine: 5999 }],
      ['stream put failed', { error: 'SQLITE_FULL', repeatedSinceLastLine: 5999 }],
    ]);
    logger.error('another problem');
    expect(lines.at(-1)).toEqual(['another problem', undefined]);
  });
});
