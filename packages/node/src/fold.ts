import { newSketch } from '@vitalstream/protocol/sketch';
import type { SeriesTemplate, ServerMetric } from './types.ts';

const mapping = newSketch().mapping;
/** Shared tag objects (the HTTP middlewares reuse them per route) are serialized once. */
const tagKeys = new WeakMap<object, string>();
const EMPTY_TAGS = {};

function tagKey(tags: Record<string, string>): string {
  let key = tagKeys.get(tags);
  if (key === undefined) tagKeys.set(tags, (key = JSON.stringify(tags)));
  return key;
}

/** One series' entries for one minute, by value; it knows where it hangs so a drop can prune empty branches. */
class Leaf extends Map<number, ServerMetric> {
  constructor(
    readonly tags: string,
    readonly name: string,
    readonly key: number,
  ) {
    super();
  }
}
/**
 * Folds repeated observations between two flushes, so a busy server sends each distinct
 * (metric, tags, minute, value) once with a count instead of once per request.
 * Durations are folded by the server sketch's own 1 % bins and sent as the bin's representative
 * value: the server maps it back to the same bin, so percentiles are exactly what raw values
 * would give (sum, avg, min and max move by under 1 %). Sizes fold only when exactly equal.
 * Anything else (gauges, rates, custom metrics) is not foldable and stays one by one.
 *
 * Entries are found through nested maps (tags, name, minute, value) rather than one string key:
 * building and hashing a fresh key string on every request cost a server measurable throughput.
 */
export class MetricFold {
  private index = new Map<string, Map<string, Map<number, Leaf>>>();
  /** Bumped when the index is replaced, so a `FoldedSeries` knows its kept leaf is gone. */
  generation = 0;
  /** Entries in the order they were first seen, with where each lives in the index. */
  private entries: ServerMetric[] = [];
  private leaves: Leaf[] = [];
  private leafKeys: number[] = [];
  private start = 0;

  get size(): number {
    return this.entries.length - this.start;
  }

  /** Occurrences held, counting each folded entry by its count. */
  get occurrences(): number {
    let total = 0;
    for (let i = this.start; i < this.entries.length; i++) total += this.entries[i]!.count ?? 1;
    return total;
  }

  /** Counts `metric` into its entry; false when the metric is not foldable (the caller keeps it as is). */
  add(metric: ServerMetric, timestamp: number): boolean {
    const exact = isExact(metric.unit, metric.value);
    if (exact === undefined) return false;
    const leaf = this.leafFor(tagKey(metric.tags ?? EMPTY_TAGS), metric.name, leafKey(timestamp, exact));
    this.count(leaf, metric, metric.value, exact, timestamp, metric.count ?? 1);
    return true;
  }

  /** A handle for one series recorded over and over (a route's requests): it keeps its leaf for the minute. */
  series(template: SeriesTemplate): FoldedSeries {
    return new FoldedSeries(this, template, tagKey(template.tags ?? EMPTY_TAGS));
  }

  leafFor(tags: string, name: string, key: number): Leaf {
    let byName = this.index.get(tags);
    if (!byName) this.index.set(tags, (byName = new Map()));
    let byMinute = byName.get(name);
    if (!byMinute) byName.set(name, (byMinute = new Map()));
    let leaf = byMinute.get(key);
    if (!leaf) byMinute.set(key, (leaf = new Leaf(tags, name, key)));
    return leaf;
  }

  count(leaf: Leaf, template: SeriesTemplate, value: number, exact: boolean, timestamp: number, count: number): void {
    const valueKey = exact ? value : mapping.key(value);
    const existing = leaf.get(valueKey);
    if (existing) {
      existing.count! += count;
    } else {
      const entry = { ...template, value: exact ? value : mapping.value(valueKey), timestamp, count };
      leaf.set(valueKey, entry);
      this.entries.push(entry);
      this.leaves.push(leaf);
      this.leafKeys.push(valueKey);
    }
  }

  /**
   * Removes the `n` oldest entries; returns how many occurrences they held. Branches of the index
   * left empty go too: while a flush was stuck, 2M distinct series once kept 1 GB of empty maps.
   */
  dropOldest(n: number): number {
    let occurrences = 0;
    const end = Math.min(this.entries.length, this.start + n);
    let pruned = false;
    for (let i = this.start; i < end; i++) {
      occurrences += this.entries[i]!.count ?? 1;
      const leaf = this.leaves[i]!;
      leaf.delete(this.leafKeys[i]!);
      if (leaf.size === 0) pruned = this.prune(leaf) || pruned;
    }
    // A series handle may hold a pruned leaf: a new generation makes it look its leaf up again.
    if (pruned) this.generation += 1;
    this.start = end;
    // Dropped entries are released once they are half the arrays, so a long wait for a flush stays bounded.
    if (this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.leaves = this.leaves.slice(this.start);
      this.leafKeys = this.leafKeys.slice(this.start);
      this.start = 0;
    }
    return occurrences;
  }

  private prune(leaf: Leaf): boolean {
    const byName = this.index.get(leaf.tags);
    const byMinute = byName?.get(leaf.name);
    if (!byName || !byMinute || byMinute.get(leaf.key) !== leaf) return false;
    byMinute.delete(leaf.key);
    if (byMinute.size === 0) byName.delete(leaf.name);
    if (byName.size === 0) this.index.delete(leaf.tags);
    return true;
  }

  /** Branches in the index (for tests of its bound). */
  get indexSize(): number {
    let size = 0;
    for (const byName of this.index.values()) for (const byMinute of byName.values()) size += byMinute.size;
    return size;
  }

  /** Every entry, oldest first (a count of one is left out, as a plain metric would be), and starts over. */
  take(): ServerMetric[] {
    const taken = this.entries.slice(this.start).map((m) => (m.count === 1 ? { ...m, count: undefined } : m));
    this.index = new Map();
    this.generation += 1;
    this.entries = [];
    this.leaves = [];
    this.leafKeys = [];
    this.start = 0;
    return taken;
  }
}

/** Exact (sizes, zero durations), binned (positive durations), or undefined: not foldable. */
function isExact(unit: ServerMetric['unit'], value: number): boolean | undefined {
  if (unit === 'ms' && value > 0) return false;
  if (unit === 'bytes' || (unit === 'ms' && value === 0)) return true;
  return undefined;
}

/** Bins and exact values of one minute live in separate leaves: bin 0 is not the value 0. */
const leafKey = (timestamp: number, exact: boolean) => Math.floor(timestamp / 60_000) * 2 + (exact ? 1 : 0);

/** One series' fast path: the same folding as `MetricFold.add`, without finding the series again per value. */
export class FoldedSeries {
  private generation = -1;
  private key = Number.NaN;
  private leaf: Leaf | undefined;

  constructor(
    private readonly fold: MetricFold,
    private readonly template: SeriesTemplate,
    private readonly tags: string,
  ) {}

  /** False when the value is not foldable for this unit (the caller records it as is). */
  add(value: number, timestamp: number): boolean {
    const exact = isExact(this.template.unit, value);
    if (exact === undefined) return false;
    const key = leafKey(timestamp, exact);
    if (key !== this.key || this.generation !== this.fold.generation || !this.leaf) {
      this.leaf = this.fold.leafFor(this.tags, this.template.name, key);
      this.key = key;
      this.generation = this.fold.generation;
    }
    this.fold.count(this.leaf, this.template, value, exact, timestamp, 1);
    return true;
  }
}
