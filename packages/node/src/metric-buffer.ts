import { MetricFold } from './fold.ts';
import type { SeriesTemplate, ServerMetric } from './types.ts';

/** A busy server sends as soon as two beacons' worth is waiting instead of holding a burst until the timer. */
const EARLY_FLUSH_AT = 1000;

/**
 * The monitor's bounded memory: durations and sizes fold into counted entries, everything else is
 * kept as is. Past `maxEntries` the oldest tenth is dropped at once (one entry per record would
 * make every record O(buffer)), and every occurrence dropped is counted and reported as
 * `sdk_dropped_metrics` in the next batch taken.
 */
export class MetricBuffer {
  private plain: ServerMetric[] = [];
  private readonly folded = new MetricFold();
  private droppedReported = 0;
  /** Occurrences dropped since the monitor started. */
  dropped = 0;

  constructor(
    private readonly maxEntries: number,
    /** Called once when the buffer reaches EARLY_FLUSH_AT entries. */
    private readonly onBusy: () => void,
  ) {}

  /** Occurrences held, counting each folded entry by its count. */
  get occurrences(): number {
    return this.plain.length + this.folded.occurrences;
  }

  add(metric: ServerMetric, timestamp: number): void {
    if (!this.folded.add(metric, timestamp)) this.plain.push({ ...metric, timestamp });
    this.keepBound();
  }

  /** A recorder for one series recorded over and over (a route's requests), which keeps its place in the fold. */
  series(template: SeriesTemplate): (value: number, timestamp: number) => void {
    const folding = this.folded.series(template);
    return (value, timestamp) => {
      if (!folding.add(value, timestamp)) this.plain.push({ ...template, value, timestamp });
      this.keepBound();
    };
  }

  /** Everything held, with the drops since the last take reported as a metric; the buffer is left empty. */
  take(): ServerMetric[] {
    if (this.dropped > this.droppedReported) {
      this.plain.push({ name: 'sdk_dropped_metrics', value: this.dropped - this.droppedReported, unit: 'count', timestamp: Date.now(), source: 'system' });
      this.droppedReported = this.dropped;
    }
    const batch = [...this.plain, ...this.folded.take()];
    this.plain = [];
    return batch;
  }

  private keepBound(): void {
    const entries = this.plain.length + this.folded.size;
    if (entries > this.maxEntries) this.dropOldest(entries - this.maxEntries + Math.ceil(this.maxEntries / 10));
    else if (entries === EARLY_FLUSH_AT) this.onBusy();
  }

  /** Drops the `n` oldest entries (plain first, then folded) and counts every occurrence dropped. */
  private dropOldest(n: number): void {
    const fromPlain = this.plain.splice(0, n);
    this.dropped += fromPlain.length;
    if (n > fromPlain.length) this.dropped += this.folded.dropOldest(n - fromPlain.length);
  }
}
