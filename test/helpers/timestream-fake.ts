import { QueryCommand, TimestreamQueryClient, type ColumnInfo, type Row } from '@aws-sdk/client-timestream-query';
import { RejectedRecordsException, TimestreamWriteClient, WriteRecordsCommand, type _Record } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';

interface StoredRecord {
  partial: string;
  version: number;
  dimensions: Record<string, string>;
  measure: string;
  time: number;
  values: Record<string, string>;
}

/**
 * Timestream for LiveAnalytics has no emulator, so this plays its semantics on
 * aws-sdk-client-mock for the one query shape the adapter sends (`aggregateSql`): records keyed
 * by dimensions, measure and time, a higher Version replacing a lower one and a lower one
 * rejected, and a query that keeps each partial's newest write.
 */
export function fakeTimestream() {
  const writer = mockClient(TimestreamWriteClient);
  const reader = mockClient(TimestreamQueryClient);
  const records = new Map<string, StoredRecord>();

  writer.on(WriteRecordsCommand).callsFake((input) => {
    const common = input.CommonAttributes ?? {};
    const rejected: { RecordIndex: number; Reason: string; ExistingVersion: number }[] = [];
    (input.Records as _Record[]).forEach((record, index) => {
      const dimensions: Record<string, string> = {};
      for (const d of [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])]) dimensions[d.Name!] = d.Value!;
      const { partial = '', ...rest } = dimensions;
      const stored: StoredRecord = {
        partial,
        version: Number(common.Version ?? record.Version ?? 0),
        dimensions: rest,
        measure: record.MeasureName!,
        time: Number(record.Time),
        values: Object.fromEntries((record.MeasureValues ?? []).map((m) => [m.Name!, m.Value!])),
      };
      const key = JSON.stringify([dimensions, stored.measure, stored.time]);
      const existing = records.get(key);
      if (existing && existing.version > stored.version)
        rejected.push({ RecordIndex: index, Reason: 'A newer version exists', ExistingVersion: existing.version });
      else records.set(key, stored);
    });
    if (rejected.length > 0) throw new RejectedRecordsException({ message: 'rejected', $metadata: {}, RejectedRecords: rejected });
    return {};
  });

  reader.on(QueryCommand).callsFake((input) => {
    const sql = String(input.QueryString);
    const metrics = /WHERE a\.measure_name (?:= '([^']+)'|IN \(([^)]+)\))\n/.exec(sql)!;
    const wanted = new Set(metrics[1] ? [metrics[1]] : metrics[2]!.split(', ').map((m) => m.slice(1, -1)));
    const [, from, to] = /a\.time >= from_milliseconds\((-?\d+)\) AND a\.time < from_milliseconds\((-?\d+)\)/.exec(sql)!.map(Number) as [
      number,
      number,
      number,
    ];
    const filters = [...sql.matchAll(/AND a\."([a-z0-9_]+)" = '((?:[^']|'')*)'/g)].map(([, k, v]) => [k!, v!.replace(/''/g, "'")] as const);
    const newest = new Map<string, number>();
    for (const r of records.values()) if (r.measure === '__partial') newest.set(r.partial, Math.max(newest.get(r.partial) ?? 0, Number(r.values.write_id)));
    const rows = [...records.values()].filter(
      (r) =>
        wanted.has(r.measure) &&
        r.time >= from &&
        r.time < to &&
        Number(r.values.write_id) === newest.get(r.partial) &&
        filters.every(([k, v]) => r.dimensions[k] === v),
    );
    const names = [...new Set(rows.flatMap((r) => [...Object.keys(r.dimensions), ...Object.keys(r.values)]))];
    const columns = ['partial', 'time', 'measure_name', ...names];
    const data: Row[] = rows.map((r) => {
      const values: Record<string, string> = {
        partial: r.partial,
        time: new Date(r.time).toISOString().replace('T', ' ').replace('Z', '000000'),
        measure_name: r.measure,
        ...r.dimensions,
        ...r.values,
      };
      return { Data: columns.map((c) => (values[c] === undefined ? { NullValue: true } : { ScalarValue: values[c] })) };
    });
    return { ColumnInfo: columns.map((Name): ColumnInfo => ({ Name, Type: { ScalarType: 'VARCHAR' } })), Rows: data };
  });

  return {
    writer,
    reader,
    records,
    reset: () => {
      writer.restore();
      reader.restore();
    },
  };
}
