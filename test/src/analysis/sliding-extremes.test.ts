import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import { SlidingExtremes } from '../../../src/analysis/anomaly/sliding-extremes.ts';

describe('sliding extremes', () => {
  const random = seededRandom(5);
  const values = Array.from({ length: 5000 }, () => Math.round(random() * 50));
  const naive = (start: number, end: number) => {
    const slice = values.slice(Math.max(0, start), end + 1);
    return slice.length ? { low: Math.min(...slice), high: Math.max(...slice) } : undefined;
  };

  it("gives the scan's low and high as the window slides, grows, shrinks and jumps", () => {
    const extremes = new SlidingExtremes((i) => values[i]!);
    let start = 0;
    let end = -1;
    for (let step = 0; step < 4000; step++) {
      const move = random();
      if (move < 0.6) {
        start += 1;
        end += 1;
      } else if (move < 0.8) end += 1 + Math.floor(random() * 5);
      else if (move < 0.95) start = Math.min(end + 1, start + Math.floor(random() * 5));
      else {
        start += 300;
        end += 400;
      }
      end = Math.min(end, values.length - 1);
      expect(extremes.over(start, end)).toEqual(naive(start, end));
    }
  });

  it('starts over when the window moves back, as a new run over the same points does', () => {
    const extremes = new SlidingExtremes((i) => values[i]!);
    expect(extremes.over(1000, 3000)).toEqual(naive(1000, 3000));
    expect(extremes.over(10, 200)).toEqual(naive(10, 200));
    expect(extremes.over(0, 200)).toEqual(naive(0, 200));
    expect(extremes.over(5, 4)).toBeUndefined();
  });
});
