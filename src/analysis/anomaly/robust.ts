/** Median and scaled MAD (a robust standard deviation) of a window. */
export function medianAndScale(values: readonly number[]): { median: number; scale: number } {
  if (values.length === 0) return { median: 0, scale: 0 };
  // Typed arrays sort numerically in native code: several times faster than a comparator.
  const sorted = Float64Array.from(values).sort();
  const median = quantileSorted(sorted, 0.5);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  return { median, scale: 1.4826 * quantileSorted(deviations, 0.5) };
}

export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** The q-quantile of (value, weight) pairs sorted by value: the first value whose cumulative weight reaches q. */
export function weightedQuantile(sorted: readonly (readonly [number, number])[], q: number): number {
  let total = 0;
  for (const [, weight] of sorted) total += weight;
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= q * total) return value;
  }
  return sorted.at(-1)![0];
}

/** A robust z-score that stays finite on flat windows: the scale never drops below a small share of the level. */
export function robustZ(x: number, median: number, scale: number, floor: number): number {
  return (x - median) / Math.max(scale, floor);
}
