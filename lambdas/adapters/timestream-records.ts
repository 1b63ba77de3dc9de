import type { Dimension, MeasureValue, _Record } from '@aws-sdk/client-timestream-write';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { encodeSketch } from '@vitalstream/protocol/sketch';
import { splitForSize } from '../../src/aggregation/split-for-size.ts';

/** Measure name of the record that says which write of a partial is the current one. */
export const MARKER_MEASURE = '__partial';
/** Timestream caps a whole record at 2 KB; a sketch gets what the other measures and dimensions leave. */
export const MAX_SKETCH_BYTES = 1000;

const measure = (Name: string, Value: number | string, Type: MeasureValue['Type']): MeasureValue => ({ Name, Value: String(Value), Type });

/**
 * One multi-measure record per series and minute (more if a sketch must be split), with the
 * batch identity (`partial`) left to the common attributes and `write_id` as a measure so
 * queries can keep only each partial's newest write.
 */
export function toTimestreamRecords(partials: readonly PartialAggregate[], writeId: number): _Record[] {
  const records: _Record[] = [];
  for (const partial of partials) {
    const whole = encodeSketch(partial.sketch);
    const fragments = whole.byteLength <= MAX_SKETCH_BYTES ? [partial] : splitForSize(partial, MAX_SKETCH_BYTES);
    fragments.forEach((fragment, index) => {
      const sketch = fragments.length === 1 ? whole : encodeSketch(fragment.sketch);
      const dimensions: Dimension[] = Object.entries(fragment.dimensions).map(([Name, Value]) => ({ Name, Value }));
      if (fragments.length > 1) dimensions.push({ Name: 'fragment', Value: String(index) });
      const values: MeasureValue[] = [
        measure('value_count', fragment.count, 'BIGINT'),
        measure('value_sum', fragment.sum, 'DOUBLE'),
        measure('value_min', fragment.min, 'DOUBLE'),
        measure('value_max', fragment.max, 'DOUBLE'),
        measure('sketch', Buffer.from(sketch).toString('base64'), 'VARCHAR'),
        measure('write_id', writeId, 'BIGINT'),
      ];
      if (fragment.ratings) {
        values.push(
          measure('rated_good', fragment.ratings.good, 'BIGINT'),
          measure('rated_needs_improvement', fragment.ratings.needsImprovement, 'BIGINT'),
          measure('rated_poor', fragment.ratings.poor, 'BIGINT'),
        );
      }
      records.push({ Dimensions: dimensions, MeasureName: fragment.metric, Time: String(fragment.windowStart), MeasureValues: values });
    });
  }
  return records;
}

/** Written last: its time is fixed per partial, so each newer write overwrites it (higher Version). */
export function markerRecord(partialTime: number, writeId: number, rows: number): _Record {
  return {
    Dimensions: [],
    MeasureName: MARKER_MEASURE,
    Time: String(partialTime),
    MeasureValues: [measure('write_id', writeId, 'BIGINT'), measure('rows', rows, 'BIGINT')],
  };
}
