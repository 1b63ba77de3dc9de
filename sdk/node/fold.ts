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

/**
 * Folds repeated observations between two flushes, so a busy server sends each distinct
 * (metric, tags, minute, value) once with a count instead of once per request.
 * Durations are folded by the server sketch's own 1 % bins and sent as the bin's representative
 * value: the server maps it back to the same bin, so percentiles are exactly what raw values
 * would give (sum, avg, min and max move by under 1 %). Sizes fold only when exactly equal.
 * Anything else (gauges, rates, custom metrics) is kept one by one.
 */
export function foldKey(metric: ServerMetric, minute: number): { key: string; value: number } | undefined {
  let valueKey: string;
  let value = metric.value;
  if (metric.unit === 'ms' && metric.value > 0) {
    const bin = mapping.key(metric.value);
    valueKey = `b${bin}`;
    value = mapping.value(bin);
  } else if (metric.unit === 'bytes' || (metric.unit === 'ms' && metric.value === 0)) {
    valueKey = `v${metric.value}`;
  } else {
    return undefined;
  }
  return { key: `${metric.name}\u0000${minute}\u0000${tagKey(metric.tags ?? EMPTY_TAGS)}\u0000${valueKey}`, value };
}
