/** The q-quantile of sorted values, interpolated between neighbours. */
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
