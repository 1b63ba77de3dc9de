import type { DatabaseSync } from 'node:sqlite';
import { mergeInto, emptyPartial, type PartialAggregate } from '../src/aggregation/partial-aggregate.ts';
import { decodeSketch, encodeSketch } from '../src/aggregation/sketch.ts';
import type { AggregateQuery, MetricStore } from '../src/ports.ts';
import { inTransaction, openDatabase } from './sqlite.ts';

export interface SqliteStore extends MetricStore {
  /**
   * Merges the partials of each series and window that ended before `before` into one row.
   * Safe only for partials whose batches are checkpointed (never replayed): the local consumer
   * calls it between batches, right after a checkpoint.
   */
  compact(before: number, maxGroups?: number): number;
  rowCount(): number;
  close(): void;
}

const COMPACTED_ID = 'compacted';

/** The local metric store: one row per batch identity, series and minute, merged at query time. */
export function openSqliteStore(path: string): SqliteStore {
  const db: DatabaseSync = openDatabase(path);
  db.exec(`
    CREATE TABLE IF NOT EXISTS partials (
      metric TEXT NOT NULL, window_start INTEGER NOT NULL, dims TEXT NOT NULL, partial_id TEXT NOT NULL,
      count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
      good INTEGER, needs_improvement INTEGER, poor INTEGER, sketch BLOB NOT NULL,
      PRIMARY KEY (metric, window_start, dims, partial_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS partials_by_id ON partials (partial_id);
  `);
  const deleteById = db.prepare('DELETE FROM partials WHERE partial_id = ?');
  const upsert = db.prepare(`INSERT OR REPLACE INTO partials
    (metric, window_start, dims, partial_id, count, sum, min, max, good, needs_improvement, poor, sketch)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const compactable = db.prepare(`SELECT metric, window_start, dims FROM partials WHERE window_start < ?
    GROUP BY metric, window_start, dims HAVING COUNT(*) > 1 LIMIT ?`);
  const groupRows = db.prepare('SELECT * FROM partials WHERE metric = ? AND window_start = ? AND dims = ?');
  const deleteGroup = db.prepare('DELETE FROM partials WHERE metric = ? AND window_start = ? AND dims = ?');
  const countRows = db.prepare('SELECT COUNT(*) AS n FROM partials');

  const write = (partialId: string, p: PartialAggregate) =>
    upsert.run(p.metric, p.windowStart, canonicalDims(p.dimensions), partialId, p.count, p.sum, p.min, p.max,
      p.ratings?.good ?? null, p.ratings?.needsImprovement ?? null, p.ratings?.poor ?? null, encodeSketch(p.sketch));

  return {
    async replacePartials(partialId, partials) {
      inTransaction(db, () => {
        deleteById.run(partialId);
        for (const partial of partials) write(partialId, partial);
      });
    },
    async readPartials(query: AggregateQuery) {
      const filters = Object.entries(query.filters);
      const sql = `SELECT * FROM partials WHERE metric = ? AND window_start >= ? AND window_start < ?${
        filters.map(() => ' AND json_extract(dims, ?) = ?').join('')}`;
      const args = [query.metric, query.from, query.to,
        ...filters.flatMap(([key, value]) => [`$."${key}"`, value])];
      return db.prepare(sql).all(...args).map(toPartial);
    },
    async readMetrics(metrics, from, to) {
      if (metrics.length === 0) return [];
      const sql = `SELECT * FROM partials WHERE metric IN (${metrics.map(() => '?').join(', ')}) AND window_start >= ? AND window_start < ?`;
      return db.prepare(sql).all(...metrics, from, to).map(toPartial);
    },
    compact(before, maxGroups = 1000) {
      const groups = compactable.all(before, maxGroups) as { metric: string; window_start: number; dims: string }[];
      if (groups.length === 0) return 0;
      inTransaction(db, () => {
        for (const group of groups) {
          const rows = groupRows.all(group.metric, group.window_start, group.dims).map(toPartial);
          const merged = emptyPartial(rows[0]!.metric, rows[0]!.windowStart, rows[0]!.dimensions);
          for (const row of rows) mergeInto(merged, row);
          deleteGroup.run(group.metric, group.window_start, group.dims);
          write(COMPACTED_ID, merged);
        }
      });
      return groups.length;
    },
    rowCount: () => Number(countRows.get()!.n),
    close: () => db.close(),
  };
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
