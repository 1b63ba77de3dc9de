import type { StreamRecord } from '@vitalstream/protocol/stream';
import type { CardinalityGuard } from './cardinality-guard.ts';
import { addValue, emptyPartial, seriesKey, windowStartOf, type PartialAggregate } from './partial-aggregate.ts';

/** Folds stream records into one partial aggregate per metric, one-minute window (by event time) and dimension set. */
export function aggregateRecords(records: readonly StreamRecord[], guard?: CardinalityGuard): PartialAggregate[] {
  const partials = new Map<string, PartialAggregate>();
  for (const record of records) {
    for (const metric of record.metrics) {
      const windowStart = windowStartOf(metric.timestamp);
      // The envelope's dimensions last: whatever a record carries, a tag never overrides app, page or source.
      const raw: Record<string, string> = { ...metric.dimensions, ...record.common, source: metric.source };
      const name = guard ? guard.admitName(raw.app ?? '', metric.name, windowStart) : metric.name;
      const dimensions = guard ? capped(raw, name, windowStart, guard) : raw;
      const key = seriesKey(name, windowStart, dimensions);
      let partial = partials.get(key);
      if (!partial) partials.set(key, (partial = emptyPartial(name, windowStart, dimensions)));
      addValue(partial, metric.value, metric.count ?? 1);
    }
  }
  return [...partials.values()];
}

function capped(dimensions: Record<string, string>, metric: string, windowStart: number, guard: CardinalityGuard): Record<string, string> {
  const out: Record<string, string> = {};
  const app = dimensions.app ?? '';
  for (const [dimension, value] of Object.entries(dimensions)) {
    out[dimension] = dimension === 'app' ? value : guard.admit(app, metric, windowStart, dimension, value);
  }
  return out;
}
