import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PermanentFailure } from '../../src/resilience/failure.ts';

/**
 * Opens a SQLite file for durable writes: WAL so readers never block the writer, and
 * synchronous=FULL so a COMMIT has reached the disk (fsync) before it returns. A read-only
 * connection (the query workers') shares the writer's WAL and sees each commit as it lands.
 */
export function openDatabase(path: string, options: { readOnly?: boolean } = {}): DatabaseSync {
  if (options.readOnly) {
    const db = new DatabaseSync(path, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 5000;');
    return db;
  }
  mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  return db;
}

/** SQLite result codes that mean the statement itself is wrong for the data: retrying cannot help. */
const PERMANENT_SQLITE_CODES = new Set([18 /* TOOBIG */, 19 /* CONSTRAINT */, 20 /* MISMATCH */, 25 /* RANGE */]);

/**
 * Runs `work` in one write transaction. When SQLite has already rolled the transaction back by
 * itself (SQLITE_FULL does), ROLLBACK fails with "cannot rollback - no transaction is active";
 * that second error must not replace the first, which is the one that says what happened.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The original error says more; the connection recovers on the next BEGIN.
      }
    }
    throw classifySqliteError(error);
  }
}

/** Names the SQLite result (SQLITE_FULL, SQLITE_CONSTRAINT...) and marks the ones no retry can fix. */
export function classifySqliteError(error: unknown): unknown {
  const code = (error as { errcode?: number }).errcode;
  const name = (error as { errstr?: string }).errstr;
  if (typeof code !== 'number') return error;
  const message = `${sqliteCodeName(code)}: ${(error as Error).message}${name && !(error as Error).message.includes(name) ? ` (${name})` : ''}`;
  if (PERMANENT_SQLITE_CODES.has(code & 0xff)) return new PermanentFailure(message, { cause: error });
  const named = new Error(message, { cause: error });
  return named;
}

const SQLITE_CODE_NAMES: Record<number, string> = {
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  25: 'SQLITE_RANGE',
};

const sqliteCodeName = (code: number) => SQLITE_CODE_NAMES[code & 0xff] ?? `SQLITE_ERROR_${code}`;
