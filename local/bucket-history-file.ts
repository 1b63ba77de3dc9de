import { readFile, rename, writeFile } from 'node:fs/promises';
import type { BucketHistoryStore } from '../lambdas/analyze.ts';
import { decodeHistory, encodeHistory } from '../src/analysis/anomaly/bucket-history.ts';

/** The detector's bucket statistics in one file, replaced atomically (write, then rename). */
export function fileBucketHistory(path: string): BucketHistoryStore {
  return {
    async load() {
      try {
        return decodeHistory(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async save(history) {
      await writeFile(`${path}.tmp`, encodeHistory(history));
      await rename(`${path}.tmp`, path);
    },
  };
}
