import type { DatabaseSync } from 'node:sqlite';
import type { MetricStream, StreamEntry } from '../../src/ports.ts';
import { inTransaction, openDatabase } from './sqlite.ts';

export interface LoggedRecord {
  seq: number;
  partitionKey: string;
  data: Uint8Array;
  arrivedAt: number;
}

export interface SqliteStream extends MetricStream {
  read(afterSeq: number, limit: number): LoggedRecord[];
  lastSeq(): number;
  checkpoint(consumer: string): number;
  commitCheckpoint(consumer: string, seq: number): void;
  deadLetter(record: LoggedRecord, reason: string): void;
  deadLetterCount(): number;
  /** Drops records every consumer has passed and that are older than the retention, as Kinesis does. */
  trim(consumer: string, olderThan: number): number;
  close(): void;
}

interface Waiter {
  entries: readonly StreamEntry[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The local stand-in for Kinesis: an append-only SQLite log. Puts that arrive in the same tick
 * share one transaction (group commit), so concurrent beacons share one fsync, and each put
 * resolves only after that commit: a 202 means the beacon is on disk.
 */
export function openSqliteStream(path: string, clock: () => number = Date.now): SqliteStream {
  const db: DatabaseSync = openDatabase(path);
  db.exec(`
    CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY AUTOINCREMENT, partition_key TEXT NOT NULL, data BLOB NOT NULL, arrived_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS checkpoints (consumer TEXT PRIMARY KEY, seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS dead_letters (seq INTEGER PRIMARY KEY, partition_key TEXT NOT NULL, data BLOB NOT NULL, reason TEXT NOT NULL, failed_at INTEGER NOT NULL);
  `);
  const insert = db.prepare('INSERT INTO records (partition_key, data, arrived_at) VALUES (?, ?, ?)');
  const select = db.prepare('SELECT seq, partition_key, data, arrived_at FROM records WHERE seq > ? ORDER BY seq LIMIT ?');
  const maxSeq = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0) AS seq");
  const getCheckpoint = db.prepare('SELECT seq FROM checkpoints WHERE consumer = ?');
  const setCheckpoint = db.prepare('INSERT INTO checkpoints (consumer, seq) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq');
  const insertDead = db.prepare('INSERT OR REPLACE INTO dead_letters (seq, partition_key, data, reason, failed_at) VALUES (?, ?, ?, ?, ?)');
  const countDead = db.prepare('SELECT COUNT(*) AS n FROM dead_letters');
  const deleteOld = db.prepare('DELETE FROM records WHERE seq <= ? AND arrived_at < ?');

  let waiting: Waiter[] = [];
  let closed = false;

  const flush = () => {
    const batch = waiting;
    waiting = [];
    try {
      const now = clock();
      inTransaction(db, () => {
        for (const { entries } of batch) for (const entry of entries) insert.run(entry.partitionKey, entry.data, now);
      });
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  };

  return {
    put(entries) {
      if (closed) return Promise.reject(new Error('stream is closed'));
      return new Promise<void>((resolve, reject) => {
        if (waiting.push({ entries, resolve, reject }) === 1) setImmediate(flush);
      });
    },
    read(afterSeq, limit) {
      return select.all(afterSeq, limit).map((row) => ({
        seq: Number(row.seq),
        partitionKey: String(row.partition_key),
        data: row.data as Uint8Array,
        arrivedAt: Number(row.arrived_at),
      }));
    },
    lastSeq: () => Number(maxSeq.get()!.seq),
    checkpoint: (consumer) => Number(getCheckpoint.get(consumer)?.seq ?? 0),
    commitCheckpoint: (consumer, seq) => void setCheckpoint.run(consumer, seq),
    deadLetter: (record, reason) => void insertDead.run(record.seq, record.partitionKey, record.data, reason, clock()),
    deadLetterCount: () => Number(countDead.get()!.n),
    trim(consumer, olderThan) {
      const through = Number(getCheckpoint.get(consumer)?.seq ?? 0);
      return Number(deleteOld.run(through, olderThan).changes);
    },
    close() {
      if (closed) return;
      closed = true;
      if (waiting.length > 0) flush();
      db.close();
    },
  };
}
