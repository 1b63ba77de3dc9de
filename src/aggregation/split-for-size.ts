import { emptyPartial, type PartialAggregate } from './partial-aggregate.ts';
import { encodeSketch, newSketch } from '@vitalstream/protocol/sketch';

/**
 * Splits a partial whose sketch would not fit one storage record into fragments that each do.
 * Merging the fragments gives back the partial exactly: bins are shared out, the first fragment
 * carries the sum and ratings, and every fragment keeps the true min and max (min/max merge
 * idempotently).
 */
export function splitForSize(partial: PartialAggregate, maxSketchBytes: number): PartialAggregate[] {
  if (encodeSketch(partial.sketch).byteLength <= maxSketchBytes) return [partial];
  const bins: [number, number][] = [];
  const add = (store: { bins: number[]; offset: number }, sign: 1 | -1) =>
    store.bins.forEach((count, i) => {
      if (count > 0) bins.push([sign * partial.sketch.mapping.value(i + store.offset), count]);
    });
  add(partial.sketch.store, 1);
  add(partial.sketch.negativeStore, -1);
  if (partial.sketch.zeroCount > 0) bins.push([0, partial.sketch.zeroCount]);
  // Each bin costs at most ~6 bytes (index delta + count varints); leave room for the header.
  const perFragment = Math.max(1, Math.floor((maxSketchBytes - 16) / 6));
  const fragments: PartialAggregate[] = [];
  for (let i = 0; i < bins.length; i += perFragment) {
    const fragment = emptyPartial(partial.metric, partial.windowStart, partial.dimensions);
    fragment.sketch = newSketch();
    for (const [value, count] of bins.slice(i, i + perFragment)) {
      fragment.sketch.accept(value, count);
      fragment.count += count;
    }
    fragment.min = partial.min;
    fragment.max = partial.max;
    fragment.sum = 0;
    if (fragment.ratings) fragment.ratings = { good: 0, needsImprovement: 0, poor: 0 };
    fragments.push(fragment);
  }
  fragments[0]!.sum = partial.sum;
  if (partial.ratings) fragments[0]!.ratings = { ...partial.ratings };
  return fragments;
}
