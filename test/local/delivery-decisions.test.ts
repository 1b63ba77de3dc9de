import { describe, expect, it } from 'vitest';
import { afterAnswer, afterPermanentFailure, type Attempts } from '../../local/delivery-decisions.ts';

const batch = (...seqs: number[]) => seqs.map((seq) => ({ seq }));

describe("the local consumer's delivery decisions", () => {
  it('commits a batch the handler took whole, and resumes from a record it names until that record has failed maxAttempts times', () => {
    const attempts: Attempts = new Map();
    expect(afterAnswer(batch(4, 5, 6), undefined, attempts, 3)).toEqual({ kind: 'commit', through: 6 });
    expect(afterAnswer(batch(4, 5, 6), '5', attempts, 3)).toEqual({ kind: 'commit', through: 4 });
    expect(afterAnswer(batch(5, 6), '5', attempts, 3)).toEqual({ kind: 'commit', through: 4 });
    expect(afterAnswer(batch(5, 6), '5', attempts, 3)).toEqual({ kind: 'dead-letter', record: { seq: 5 }, tries: 3, through: 5 });
    expect(attempts.size).toBe(0);
    // An id that names no number is no partial failure.
    expect(afterAnswer(batch(7), 'nonsense', attempts, 3)).toEqual({ kind: 'commit', through: 7 });
  });

  it('halves a batch that failed permanently until the record stands alone, then dead-letters it after maxAttempts', () => {
    const attempts: Attempts = new Map();
    expect(afterPermanentFailure(batch(1, 2, 3, 4, 5), attempts, 2)).toEqual({ kind: 'halve', limit: 3 });
    expect(afterPermanentFailure(batch(1, 2), attempts, 2)).toEqual({ kind: 'halve', limit: 1 });
    expect(afterPermanentFailure(batch(1), attempts, 2)).toEqual({ kind: 'retry' });
    expect(afterPermanentFailure(batch(1), attempts, 2)).toEqual({ kind: 'dead-letter', record: { seq: 1 }, tries: 2, through: 1 });
    expect(attempts.size).toBe(0);
  });
});
