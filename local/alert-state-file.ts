import type { AlertStateStore } from '../src/ports.ts';
import { emptyAlertState, type AlertState } from '../src/alerts/lifecycle.ts';
import { readIfPresent, replaceFile } from './state-file.ts';

/** The alert lifecycle in a JSON file, replaced atomically. */
export function fileAlertState(path: string): AlertStateStore {
  return {
    async load() {
      const text = await readIfPresent(path);
      return text === undefined ? emptyAlertState() : (JSON.parse(text) as AlertState);
    },
    save: (state) => replaceFile(path, JSON.stringify(state)),
  };
}
