import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AlertStateStore } from '../lambdas/analyze.ts';
import { emptyAlertState, type AlertState } from '../src/alerts/lifecycle.ts';

/** The alert lifecycle in a JSON file, replaced atomically (write, then rename) so a crash never leaves half a file. */
export function fileAlertState(path: string): AlertStateStore {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as AlertState;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyAlertState();
        throw error;
      }
    },
    async save(state) {
      await writeFile(`${path}.tmp`, JSON.stringify(state));
      await rename(`${path}.tmp`, path);
    },
  };
}
