import { newSketch } from '../../src/aggregation/sketch.ts';
import type { ServerMetric } from './monitor.ts';

const mapping = newSketch().mapping;
/** Shared tag objects (the HTTP middlewares reuse them per route) are serialized once. */
const tagKeys = new WeakMap<object, string>();
const EMPTY_TAGS = {};

function tagKey(tags: Record<string, string>): string {
  let key = tagKeys.get(tags);
  if (key === undefined) tagKeys.set(tags, (key = JSON.stringify(tags)));
  return key;
}

type Leaf = Map<number, ServerMetric>;

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
  /** Entries in the order they were first seen, with where each lives in the index. */
  private entries: ServerMetric[] = [];
  private leaves: Leaf[] = [];
  private leafKeys: number[] = [];
  private start = 0;

  get size(): number {
    return this.entries.length - this.start;
  }

  /** Counts `metric` into its entry; false when the metric is not foldable (the caller keeps it as is). */
  add(metric: ServerMetric, timestamp: number): boolean {
    let valueKey: number;
    let value = metric.value;
    let exact: boolean;
    if (metric.unit === 'ms' && value > 0) {
      valueKey = mapping.key(value);
      value = mapping.value(valueKey);
      exact = false;
    } else if (metric.unit === 'bytes' || (metric.unit === 'ms' && value === 0)) {
      valueKey = value;
      exact = true;
    } else {
      return false;
    }
    const tags = tagKey(metric.tags ?? EMPTY_TAGS);
    let byName = this.index.get(tags);
    if (!byName) this.index.set(tags, (byName = new Map()));
    let byMinute = byName.get(metric.name);
    if (!byMinute) byName.set(metric.name, (byMinute = new Map()));
    // Bins and exact values of one minute live in separate leaves: bin 0 is not the value 0.
    const leafKey = Math.floor(timestamp / 60_000) * 2 + (exact ? 1 : 0);
    let leaf = byMinute.get(leafKey);
    if (!leaf) byMinute.set(leafKey, (leaf = new Map()));
    const count = metric.count ?? 1;
    const existing = leaf.get(valueKey);
    if (existing) {
      existing.count! += count;
    } else {
      const entry = { ...metric, value, timestamp, count };
      leaf.set(valueKey, entry);
      this.entries.push(entry);
      this.leaves.push(leaf);
      this.leafKeys.push(valueKey);
    }
    return true;
  }

  /** Removes the `n` oldest entries; returns how many occurrences they held. */
  dropOldest(n: number): number {
    let occurrences = 0;
    const end = Math.min(this.entries.length, this.start + n);
    for (let i = this.start; i < end; i++) {
      occurrences += this.entries[i]!.count ?? 1;
      this.leaves[i]!.delete(this.leafKeys[i]!);
    }
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

  /** Every entry, oldest first (a count of one is left out, as a plain metric would be), and starts over. */
  take(): ServerMetric[] {
    const taken = this.entries.slice(this.start).map((m) => (m.count === 1 ? { ...m, count: undefined } : m));
    this.index = new Map();
    this.entries = [];
    this.leaves = [];
    this.leafKeys = [];
    this.start = 0;
    return taken;
  }
}
