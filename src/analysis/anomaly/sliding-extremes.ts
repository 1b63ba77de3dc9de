/**
 * The indices of a forward-sliding window whose values could still be its extreme, front first:
 * each index is added and dropped once, so a step costs O(1) amortized instead of a scan.
 */
class MonotonicDeque {
  private indices: number[] = [];
  private head = 0;

  /** `sign` 1 keeps the lowest value at the front, -1 the highest. */
  constructor(
    private readonly valueAt: (index: number) => number,
    private readonly sign: 1 | -1,
  ) {}

  add(index: number) {
    const value = this.valueAt(index);
    // An earlier value no better than this one can never be the extreme again.
    while (this.indices.length > this.head && this.sign * (this.valueAt(this.indices.at(-1)!) - value) >= 0) this.indices.pop();
    this.indices.push(index);
  }

  /** The index of the extreme from `start` on, or undefined when nothing from there was added. */
  frontFrom(start: number): number | undefined {
    while (this.head < this.indices.length && this.indices[this.head]! < start) this.head++;
    // Drops the consumed front once it is most of the array, so memory stays bounded by the window.
    if (this.head > 1024 && this.head * 2 > this.indices.length) {
      this.indices = this.indices.slice(this.head);
      this.head = 0;
    }
    return this.indices[this.head];
  }
}

/** The lowest and highest value of a window that slides forward over a series. */
export class SlidingExtremes {
  private lows!: MonotonicDeque;
  private highs!: MonotonicDeque;
  /** The window last asked for: the deques hold what is needed from `start` on, up to `end` (-1 before the first). */
  private start = 0;
  private end = -1;

  constructor(private readonly valueAt: (index: number) => number) {
    this.reset();
  }

  /** The extremes of the values at `start..end` (inclusive), or undefined for an empty window. */
  over(start: number, end: number): { low: number; high: number } | undefined {
    if (end < this.end || start < this.start) this.reset();
    this.start = start;
    for (let j = Math.max(this.end + 1, start); j <= end; j++) {
      this.lows.add(j);
      this.highs.add(j);
    }
    this.end = Math.max(this.end, end);
    const low = this.lows.frontFrom(start);
    const high = this.highs.frontFrom(start);
    if (start > end || low === undefined || high === undefined) return undefined;
    return { low: this.valueAt(low), high: this.valueAt(high) };
  }

  private reset() {
    this.lows = new MonotonicDeque(this.valueAt, 1);
    this.highs = new MonotonicDeque(this.valueAt, -1);
    this.start = 0;
    this.end = -1;
  }
}
