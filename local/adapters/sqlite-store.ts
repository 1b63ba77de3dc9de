import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { isStorable, mergeInto, emptyPartial, type PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { decodeSketch, encodeSketch } from '@vitalstream/protocol/sketch';
import type { AggregateQuery, MetricStore } from '../../src/ports.ts';
import { PermanentFailure, isPermanentFailure } from '../../src/resilience/failure.ts';
import { classifySqliteError, inTransaction, openDatabase } from './sqlite.ts';

export interface SqliteStore extends MetricStore {
  /**
   * Merges the partials of each series and window that ended before `before` into one row.
   * Safe only for partials whose batches are checkpointed (never replayed): the local consumer
   * calls it between batches, right after a checkpoint. A group whose merge cannot be stored is
   * moved aside (`quarantinedCount`) instead of failing every compaction after it.
   */
  compact(before: number, maxGroups?: number): number;
  rowCount(): number;
  quarantinedCount(): number;
  close(): void;
}

const COMPACTED_ID = 'compacted';
const COLUMNS = 'metric, window_start, dims, partial_id, count, sum, min, max, good, needs_improvement, poor, sketch';

/**
 * The local metric store: one row per batch identity, series and minute, merged at query time.
 * Reads are lazy: rows are decoded one at a time as the caller iterates, so a month-long query
 * holds the points it answers with, not every partial it reads. `readOnly` opens the file for
 * the query workers, which never write.
 */
export function openSqliteStore(path: string, options: { readOnly?: boolean } = {}): SqliteStore {
  const db: DatabaseSync = openDatabase(path, options);
  if (!options.readOnly) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS partials (
        metric TEXT NOT NULL, window_start INTEGER NOT NULL, dims TEXT NOT NULL, partial_id TEXT NOT NULL,
        count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
        good INTEGER, needs_improvement INTEGER, poor INTEGER, sketch BLOB NOT NULL,
        PRIMARY KEY (metric, window_start, dims, partial_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS partials_by_id ON partials (partial_id);
      CREATE TABLE IF NOT EXISTS quarantined_partials (
        metric TEXT, window_start INTEGER, dims TEXT, partial_id TEXT, count INTEGER, sum REAL, min REAL, max REAL,
        good INTEGER, needs_improvement INTEGER, poor INTEGER, sketch BLOB, reason TEXT NOT NULL, quarantined_at INTEGER NOT NULL
      );
    `);
  }
  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const upsertSql = `INSERT OR REPLACE INTO partials (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const groupWhere = 'metric = ? AND window_start = ? AND dims = ?';

  const write = (batchId: string, p: PartialAggregate) => {
    const problem = isStorable(p);
    if (problem) throw new PermanentFailure(`partial of ${p.metric} at ${new Date(p.windowStart).toISOString()} cannot be stored: ${problem}`);
    prepared(upsertSql).run(
      p.metric,
      p.windowStart,
      canonicalDims(p.dimensions),
      batchId,
      p.count,
      p.sum,
      p.min,
      p.max,
      p.ratings?.good ?? null,
      p.ratings?.needsImprovement ?? null,
      p.ratings?.poor ?? null,
      encodeSketch(p.sketch),
    );
  };

  const compactGroup = (group: { metric: string; window_start: number; dims: string }) => {
    const rows = [...prepared(`SELECT * FROM partials WHERE ${groupWhere}`).iterate(group.metric, group.window_start, group.dims)].map(toPartial);
    const merged = emptyPartial(rows[0]!.metric, rows[0]!.windowStart, rows[0]!.dimensions);
    for (const row of rows) mergeInto(merged, row);
    prepared(`DELETE FROM partials WHERE ${groupWhere}`).run(group.metric, group.window_start, group.dims);
    write(COMPACTED_ID, merged);
  };

  const quarantineGroup = (group: { metric: string; window_start: number; dims: string }, reason: string) => {
    prepared(`INSERT INTO quarantined_partials SELECT *, ?, ? FROM partials WHERE ${groupWhere}`).run(
      reason,
      Date.now(),
      group.metric,
      group.window_start,
      group.dims,
    );
    prepared(`DELETE FROM partials WHERE ${groupWhere}`).run(group.metric, group.window_start, group.dims);
  };

  return {
    async replacePartials(batchId, partials) {
      inTransaction(db, () => {
        prepared('DELETE FROM partials WHERE partial_id = ?').run(batchId);
        for (const partial of partials) write(batchId, partial);
      });
    },
    async readPartials(query: AggregateQuery) {
      const filters = Object.entries(query.filters);
      const sql = `SELECT * FROM partials WHERE metric = ? AND window_start >= ? AND window_start < ?${filters
        .map(() => ' AND json_extract(dims, ?) = ?')
        .join('')}`;
      const args = [query.metric, query.from, query.to, ...filters.flatMap(([key, value]) => [`$."${key}"`, value])];
      // A statement of its own: two readers iterating one cached statement would reset each other.
      return lazily(db.prepare(sql).iterate(...args));
    },
    async readMetrics(metrics, from, to) {
      if (metrics.length === 0) return [];
      const sql = `SELECT * FROM partials WHERE metric IN (${metrics.map(() => '?').join(', ')}) AND window_start >= ? AND window_start < ?`;
      // A statement of its own, iterated row by row: a day of random endpoints once decoded 1.3 GB of sketches at once.
      return lazily(db.prepare(sql).iterate(...metrics, from, to));
    },
    compact(before, maxGroups = 1000) {
      const groups = prepared(`SELECT metric, window_start, dims FROM partials WHERE window_start < ?
        GROUP BY metric, window_start, dims HAVING COUNT(*) > 1 LIMIT ?`).all(before, maxGroups) as { metric: string; window_start: number; dims: string }[];
      if (groups.length === 0) return 0;
      inTransaction(db, () => {
        for (const group of groups) {
          // A savepoint per group: a group that cannot be merged is set aside, the others still compact.
          db.exec('SAVEPOINT compact_group');
          try {
            compactGroup(group);
            db.exec('RELEASE compact_group');
          } catch (error) {
            const classified = classifySqliteError(error);
            db.exec('ROLLBACK TO compact_group');
            db.exec('RELEASE compact_group');
            if (!isPermanentFailure(classified)) throw classified;
            quarantineGroup(group, (classified as Error).message);
          }
        }
      });
      return groups.length;
    },
    rowCount: () => Number(prepared('SELECT COUNT(*) AS n FROM partials').get()!.n),
    quarantinedCount: () => Number(prepared('SELECT COUNT(*) AS n FROM quarantined_partials').get()!.n),
    close: () => db.close(),
  };
}

function* lazily(rows: Iterable<Record<string, unknown>>): Generator<PartialAggregate> {
  for (const row of rows) yield toPartial(row);
}

function canonicalDims(dimensions: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(dimensions).sort()) sorted[key] = dimensions[key]!;
  return JSON.stringify(sorted);
}

function toPartial(row: Record<string, unknown>): PartialAggregate {
  const partial: PartialAggregate = {
    metric: String(row.metric),
    windowStart: Number(row.window_start),
    dimensions: JSON.parse(String(row.dims)) as Record<string, string>,
    count: Number(row.count),
    sum: Number(row.sum),
    min: Number(row.min),
    max: Number(row.max),
    sketch: decodeSketch(row.sketch as Uint8Array),
  };
  if (row.good !== null && row.good !== undefined) {
    partial.ratings = { good: Number(row.good), needsImprovement: Number(row.needs_improvement), poor: Number(row.poor) };
  }
  return partial;
}
