import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteStore } from './adapters/sqlite-store.ts';
import type { SqliteStream } from './adapters/sqlite-stream.ts';

/** Fails at start-up, naming the folder, when the data directory cannot be created or written. */
export function ensureWritableDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`data directory ${dataDir} cannot be written (${code}); set VITALSTREAM_DATA_DIR to a folder this user can write`);
  }
}

/** Opens one of the data files, naming it and what to do when it cannot be opened. */
export function openDataFile<T>(path: string, what: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const message = (error as Error).message;
    const damaged = /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(message);
    const advice = damaged
      ? 'it is damaged or not a vitalstream file: restore it from a backup, or move it aside to start with an empty one (what it held is then lost)'
      : 'check that the file and its folder can be read and written by this user';
    throw new Error(`${what} ${path} cannot be opened: ${message}; ${advice}`);
  }
}

/**
 * A metrics file that is empty while the consumer's checkpoint says it folded records into it
 * (deleted or replaced by hand) would be served as empty history. Those of its records the stream
 * still holds are folded again from the start: replays overwrite by batch identity, so nothing is
 * counted twice. Returns a line to log, or undefined when nothing had to be rebuilt.
 */
export function rebuildEmptiedStore(store: SqliteStore, stream: SqliteStream, consumer: string): string | undefined {
  const checkpoint = stream.checkpoint(consumer);
  if (checkpoint === 0 || store.rowCount() > 0) return undefined;
  stream.commitCheckpoint(consumer, 0);
  return `metrics.db is empty but the stream was folded up to record ${checkpoint}: refolding the records the stream still holds (its retention); older history is not in the stream and stays lost`;
}
