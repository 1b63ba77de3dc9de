import { RejectedRecordsException, WriteRecordsCommand, type TimestreamWriteClient, type _Record } from '@aws-sdk/client-timestream-write';
import { paginateQuery, type Row, type ColumnInfo, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { decodeSketch } from '@vitalstream/protocol/sketch';
import type { AggregateQuery, MetricStore } from '../../src/ports.ts';
import { MARKER_MEASURE, markerRecord, toTimestreamRecords } from './timestream-records.ts';

export const MAX_RECORDS_PER_WRITE = 100;
const RESERVED_COLUMNS = new Set([
  'time',
  'measure_name',
  'partial',
  'fragment',
  'value_count',
  'value_sum',
  'value_min',
  'value_max',
  'sketch',
  'write_id',
  'rated_good',
  'rated_needs_improvement',
  'rated_poor',
  'rows',
]);
/** A partial's windows lie within 24 h before and 5 min after its first record's arrival (the ingest's timestamp rule). */
const MARKER_LOOKBACK_MS = 60 * 60 * 1000;
const MARKER_LOOKAHEAD_MS = 25 * 60 * 60 * 1000;

export class RejectedRecordsError extends Error {
  constructor(readonly rejected: readonly { index: number; reason: string }[]) {
    super(
      `Timestream rejected ${rejected.length} records: ${rejected
        .slice(0, 3)
        .map((r) => r.reason)
        .join('; ')}`,
    );
    this.name = 'RejectedRecordsError';
  }
}

export interface TimestreamStoreOptions {
  database: string;
  table: string;
  clock?: () => number;
  onRejected?: (count: number) => void;
}

/**
 * Timestream behind the MetricStore port. Timestream cannot delete, so "replace" is done by
 * versions: every row of one write carries the same write_id, a marker record per partial holds
 * the newest complete write's id, and reads keep only rows whose write_id matches their
 * partial's marker. A replay therefore supersedes everything its earlier write stored, even
 * rows the replay no longer touches, and a write that dies half way stays invisible.
 */
export function timestreamStore(writer: TimestreamWriteClient, reader: TimestreamQueryClient, options: TimestreamStoreOptions): MetricStore {
  const clock = options.clock ?? Date.now;

  // One call per write: the client's own retry strategy retries throttling and server errors.
  const write = async (records: _Record[], writeId: number, batchId: string) => {
    try {
      await writer.send(
        new WriteRecordsCommand({
          DatabaseName: options.database,
          TableName: options.table,
          CommonAttributes: { Dimensions: [{ Name: 'partial', Value: batchId }], Version: writeId, TimeUnit: 'MILLISECONDS', MeasureValueType: 'MULTI' },
          Records: records,
        }),
      );
    } catch (error) {
      if (!(error instanceof RejectedRecordsException)) throw error;
      // A newer write of the same partial already landed (a concurrent retry): ours is stale, nothing to do.
      const real = (error.RejectedRecords ?? []).filter((r) => r.ExistingVersion === undefined || r.ExistingVersion < writeId);
      if (real.length === 0) return;
      options.onRejected?.(real.length);
      throw new RejectedRecordsError(real.map((r) => ({ index: r.RecordIndex ?? -1, reason: r.Reason ?? 'unknown' })));
    }
  };

  // Rows are kept as Timestream sends them and decoded one at a time as the reader reaches them:
  // a decoded sketch is many times the size of its base64 text.
  const read = async (sql: string): Promise<Iterable<PartialAggregate>> => {
    const pages: { rows: Row[]; columns: ColumnInfo[] }[] = [];
    for await (const page of paginateQuery({ client: reader }, { QueryString: sql })) pages.push({ rows: page.Rows ?? [], columns: page.ColumnInfo ?? [] });
    return (function* () {
      for (const { rows, columns } of pages) for (const row of rows) yield rowToPartial(row, columns);
    })();
  };

  return {
    async replacePartials(batchId, partials, batchTime) {
      const writeId = clock();
      const records = toTimestreamRecords(partials, writeId);
      for (let i = 0; i < records.length; i += MAX_RECORDS_PER_WRITE) {
        await write(records.slice(i, i + MAX_RECORDS_PER_WRITE), writeId, batchId);
      }
      await write([markerRecord(batchTime, writeId, records.length)], writeId, batchId);
    },

    async readPartials(query) {
      return read(aggregateSql(options.database, options.table, query));
    },

    async readMetrics(metrics, from, to) {
      if (metrics.length === 0) return [];
      return read(aggregateSql(options.database, options.table, { metric: metrics, from, to, filters: {} }));
    },
  };
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const identifier = (name: string) => {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw new Error(`unsafe identifier '${name}'`);
  return `"${name}"`;
};

/** One query per read: Timestream bills each query for at least 30 s of compute (TCU), however small. */
export function aggregateSql(database: string, table: string, query: Omit<AggregateQuery, 'metric'> & { metric: string | readonly string[] }): string {
  const source = `"${database}"."${table}"`;
  const filters = Object.entries(query.filters)
    .map(([key, value]) => ` AND a.${identifier(key)} = ${literal(value)}`)
    .join('');
  return `SELECT a.* FROM ${source} a
JOIN (SELECT partial, max(write_id) AS newest FROM ${source}
      WHERE measure_name = ${literal(MARKER_MEASURE)}
        AND time BETWEEN from_milliseconds(${query.from - MARKER_LOOKBACK_MS}) AND from_milliseconds(${query.to + MARKER_LOOKAHEAD_MS})
      GROUP BY partial) m
  ON a.partial = m.partial AND a.write_id = m.newest
WHERE a.measure_name ${typeof query.metric === 'string' ? `= ${literal(query.metric)}` : `IN (${query.metric.map(literal).join(', ')})`}
  AND a.time >= from_milliseconds(${query.from}) AND a.time < from_milliseconds(${query.to})${filters}`;
}

export function rowToPartial(row: Row, columns: readonly ColumnInfo[]): PartialAggregate {
  const values: Record<string, string | undefined> = {};
  columns.forEach((column, i) => {
    const datum = row.Data?.[i];
    values[column.Name ?? `col${i}`] = datum?.NullValue ? undefined : datum?.ScalarValue;
  });
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (!RESERVED_COLUMNS.has(name) && value !== undefined) dimensions[name] = value;
  const partial: PartialAggregate = {
    metric: values.measure_name ?? '',
    windowStart: Date.parse(`${values.time!.replace(' ', 'T').slice(0, 23)}Z`),
    dimensions,
    count: Number(values.value_count),
    sum: Number(values.value_sum),
    min: Number(values.value_min),
    max: Number(values.value_max),
    sketch: decodeSketch(Buffer.from(values.sketch ?? '', 'base64')),
  };
  if (values.rated_good !== undefined) {
    partial.ratings = { good: Number(values.rated_good), needsImprovement: Number(values.rated_needs_improvement), poor: Number(values.rated_poor) };
  }
  return partial;
}
