import { QueryCommand, TimestreamQueryClient, type ColumnInfo, type Row } from '@aws-sdk/client-timestream-query';
import { RejectedRecordsException, TimestreamWriteClient, WriteRecordsCommand, type _Record } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aggregateSql, MAX_RECORDS_PER_WRITE, RejectedRecordsError, timestreamStore } from '../../../lambdas/adapters/timestream-store.ts';
import { MARKER_MEASURE } from '../../../lambdas/adapters/timestream-records.ts';
import { aggregateRecords } from '../../../src/aggregation/aggregate-records.ts';
import { buildSeries } from '../../../src/query/build-series.ts';
import type { StreamRecord } from '@vitalstream/protocol/stream';

const writer = mockClient(TimestreamWriteClient);
const reader = mockClient(TimestreamQueryClient);
const T = Date.UTC(2026, 10, 26, 19, 0, 0);
const options = { database: 'vs-metrics', table: 'aggregates', clock: () => 1_800_000_000_000 };
const store = () => timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), options);

function partials(series: number, valuesPerSeries = 3, valueAt: (i: number) => number = (i) => 100 + i) {
  const records: StreamRecord[] = Array.from({ length: series }, (_, s) => ({
    v: 1,
    beaconId: `b${s}`,
    receivedAt: T,
    common: { app: 'shop', page: `/p${s}`, device: 'mobile' },
    metrics: Array.from({ length: valuesPerSeries }, (_, i) => ({
      name: 'web_vitals_lcp',
      value: valueAt(i),
      timestamp: T + 1000,
      source: 'browser' as const,
      dimensions: {},
    })),
  }));
  return aggregateRecords(records);
}

/** What Timestream would answer for these records: one row per record, dimensions and measures as columns. */
function asQueryPage(records: _Record[], batchId: string, writeId: number): { ColumnInfo: ColumnInfo[]; Rows: Row[] } {
  const names = [...new Set(records.flatMap((r) => [...(r.Dimensions ?? []).map((d) => d.Name!), ...(r.MeasureValues ?? []).map((m) => m.Name!)]))];
  const columns = ['partial', 'time', 'measure_name', ...names.filter((n) => n !== 'write_id'), 'write_id'];
  const rows = records.map((r) => {
    const values: Record<string, string> = {
      partial: batchId,
      time: new Date(Number(r.Time)).toISOString().replace('T', ' ').replace('Z', '000000'),
      measure_name: r.MeasureName!,
      write_id: String(writeId),
    };
    for (const d of r.Dimensions ?? []) values[d.Name!] = d.Value!;
    for (const m of r.MeasureValues ?? []) values[m.Name!] = m.Value!;
    return { Data: columns.map((c) => (values[c] === undefined ? { NullValue: true } : { ScalarValue: values[c] })) };
  });
  return { ColumnInfo: columns.map((Name) => ({ Name, Type: { ScalarType: 'VARCHAR' } })), Rows: rows };
}

beforeEach(() => {
  writer.reset();
  reader.reset();
});

describe('timestreamStore writes', () => {
  it('writes multi-measure records at most 100 per call with common attributes, and the marker last', async () => {
    writer.on(WriteRecordsCommand).resolves({});
    await store().replacePartials('arn/shard-1/42', partials(250), T + 5000);
    const calls = writer.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Records!.length)).toEqual([100, 100, 50, 1]);
    for (const call of calls) {
      expect(call.Records!.length).toBeLessThanOrEqual(MAX_RECORDS_PER_WRITE);
      expect(call.CommonAttributes).toEqual({
        Dimensions: [{ Name: 'partial', Value: 'arn/shard-1/42' }],
        Version: 1_800_000_000_000,
        TimeUnit: 'MILLISECONDS',
        MeasureValueType: 'MULTI',
      });
    }
    const [first] = calls[0]!.Records!;
    expect(first!.MeasureName).toBe('web_vitals_lcp');
    expect(first!.Time).toBe(String(T));
    expect(first!.MeasureValues!.map((m) => m.Name)).toEqual([
      'value_count',
      'value_sum',
      'value_min',
      'value_max',
      'sketch',
      'write_id',
      'rated_good',
      'rated_needs_improvement',
      'rated_poor',
    ]);
    expect(calls.at(-1)!.Records).toEqual([
      {
        Dimensions: [],
        MeasureName: MARKER_MEASURE,
        Time: String(T + 5000),
        MeasureValues: [
          { Name: 'write_id', Value: '1800000000000', Type: 'BIGINT' },
          { Name: 'rows', Value: '250', Type: 'BIGINT' },
        ],
      },
    ]);
    for (const record of calls.flatMap((c) => c.Records!)) expect(JSON.stringify(record).length).toBeLessThan(2048);
  });

  it('splits a sketch too big for one 2 KB record into fragments that merge back exactly', async () => {
    writer.on(WriteRecordsCommand).resolves({});
    // Values spread over eight orders of magnitude occupy ~1,500 sketch bins.
    const wide = partials(1, 3000, (i) => 0.05 * 1.0125 ** (i / 2));
    await store().replacePartials('p', wide, T);
    const records = writer
      .commandCalls(WriteRecordsCommand)
      .flatMap((c) => c.args[0].input.Records!)
      .filter((r) => r.MeasureName !== MARKER_MEASURE);
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) expect(JSON.stringify(record).length).toBeLessThan(2048);
    reader.on(QueryCommand).resolves(asQueryPage(records, 'p', 1_800_000_000_000));
    const [series] = buildSeries(await store().readPartials({ metric: 'web_vitals_lcp', from: T, to: T + 60_000, filters: {} }));
    const [original] = buildSeries(wide);
    expect(series!.points).toEqual(original!.points);
  });

  it('treats a rejection by a newer version as done, and reports any other rejection record by record', async () => {
    const onRejected: number[] = [];
    const s = timestreamStore(new TimestreamWriteClient({}), new TimestreamQueryClient({}), { ...options, onRejected: (n) => void onRejected.push(n) });
    writer
      .on(WriteRecordsCommand)
      .rejectsOnce(
        new RejectedRecordsException({
          message: 'rejected',
          $metadata: {},
          RejectedRecords: [{ RecordIndex: 0, Reason: 'newer version exists', ExistingVersion: 1_800_000_000_005 }],
        }),
      )
      .resolves({});
    await s.replacePartials('p', partials(1), T);
    writer.reset();
    writer.on(WriteRecordsCommand).rejects(
      new RejectedRecordsException({
        message: 'rejected',
        $metadata: {},
        RejectedRecords: [{ RecordIndex: 1, Reason: 'The record timestamp is outside the time range' }],
      }),
    );
    const failed = s.replacePartials('p', partials(2), T);
    await expect(failed).rejects.toBeInstanceOf(RejectedRecordsError);
    await expect(failed).rejects.toThrow(/rejected 1 records: The record timestamp is outside the time range/);
    expect(onRejected).toEqual([1]);
  });

  it("sends each write once and surfaces what fails: retrying is the client's own strategy (lambdas/aws/clients.ts)", async () => {
    const throttle = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    writer.on(WriteRecordsCommand).rejects(throttle);
    await expect(store().replacePartials('p', partials(1), T)).rejects.toThrow(/slow down/);
    expect(writer.commandCalls(WriteRecordsCommand)).toHaveLength(1);
  });
});

describe('timestreamStore reads', () => {
  it('reads in one query, keeping only rows of each partial newest write, with escaped filters', () => {
    const sql = aggregateSql('vs-metrics', 'aggregates', { metric: 'web_vitals_lcp', from: T, to: T + 60_000, filters: { page: "/o'hara", device: 'mobile' } });
    expect(sql).toContain('"vs-metrics"."aggregates"');
    expect(sql).toContain(`measure_name = '${MARKER_MEASURE}'`);
    expect(sql).toContain('a.write_id = m.newest');
    expect(sql).toContain(`a."page" = '/o''hara'`);
    expect(sql).toContain(`a.time >= from_milliseconds(${T}) AND a.time < from_milliseconds(${T + 60_000})`);
    expect(() => aggregateSql('d', 't', { metric: 'x', from: 0, to: 1, filters: { 'page" OR 1=1 --': 'x' } })).toThrow(/unsafe identifier/);
    // The scheduled job reads every alerting metric in one query.
    expect(aggregateSql('d', 't', { metric: ['web_vitals_lcp', "o'k"], from: T, to: T + 1, filters: {} })).toContain(
      `a.measure_name IN ('web_vitals_lcp', 'o''k')`,
    );
  });

  it('follows NextToken across pages and turns rows back into mergeable partials', async () => {
    writer.on(WriteRecordsCommand).resolves({});
    const original = partials(3);
    await store().replacePartials('p', original, T);
    const records = writer
      .commandCalls(WriteRecordsCommand)
      .flatMap((c) => c.args[0].input.Records!)
      .filter((r) => r.MeasureName !== MARKER_MEASURE);
    const page = asQueryPage(records, 'p', 1);
    reader
      .on(QueryCommand)
      .resolvesOnce({ ...page, Rows: page.Rows.slice(0, 2), NextToken: 'more' })
      .resolvesOnce({ ...page, Rows: page.Rows.slice(2) });
    const read = [...(await store().readPartials({ metric: 'web_vitals_lcp', from: T, to: T + 60_000, filters: {} }))];
    expect(reader.commandCalls(QueryCommand)).toHaveLength(2);
    expect(read.map((p) => p.dimensions)).toEqual(original.map((p) => p.dimensions));
    expect(buildSeries(read, 'page')).toEqual(buildSeries(original, 'page'));
  });
});
