/**
 * The lowest and highest value of a window that slides forward over a series, kept in two
 * monotonic deques of indices: each index is added and dropped once, so a step costs O(1)
 * amortized instead of a scan of the window.
 */
export class SlidingExtremes {
  private lows: number[] = [];
  private highs: number[] = [];
  private lowHead = 0;
  private highHead = 0;
  /** The window last asked for: the deques hold what is needed from `start` on, up to `end` (-1 before the first). */
  private start = 0;
  private end = -1;

  constructor(private readonly valueOf: (index: number) => number) {}

  /** The extremes of the values at `start..end` (inclusive), or undefined for an empty window. */
  over(start: number, end: number): { low: number; high: number } | undefined {
    if (end < this.end || start < this.start) this.reset();
    this.start = start;
    for (let j = Math.max(this.end + 1, start); j <= end; j++) this.add(j);
    this.end = Math.max(this.end, end);
    while (this.lowHead < this.lows.length && this.lows[this.lowHead]! < start) this.lowHead++;
    while (this.highHead < this.highs.length && this.highs[this.highHead]! < start) this.highHead++;
    this.compact();
    if (start > end || this.lowHead >= this.lows.length) return undefined;
    return { low: this.valueOf(this.lows[this.lowHead]!), high: this.valueOf(this.highs[this.highHead]!) };
  }

  private add(index: number) {
    const value = this.valueOf(index);
    while (this.lows.length > this.lowHead && this.valueOf(this.lows.at(-1)!) >= value) this.lows.pop();
    this.lows.push(index);
    while (this.highs.length > this.highHead && this.valueOf(this.highs.at(-1)!) <= value) this.highs.pop();
    this.highs.push(index);
  }

  /** Drops the consumed heads once they are most of the arrays, so memory stays bounded by the window. */
  private compact() {
    if (this.lowHead > 1024 && this.lowHead * 2 > this.lows.length) { this.lows = this.lows.slice(this.lowHead); this.lowHead = 0; }
    if (this.highHead > 1024 && this.highHead * 2 > this.highs.length) { this.highs = this.highs.slice(this.highHead); this.highHead = 0; }
  }

  private reset() {
    this.lows = [];
    this.highs = [];
    this.lowHead = 0;
    this.highHead = 0;
    this.start = 0;
    this.end = -1;
  }
}
