import type { AlertStateStore } from '../../src/ports.ts';
import { decodeAlertState, emptyAlertState } from '../../src/alerts/lifecycle.ts';
import { readState, replaceFile } from './state-file.ts';

/** The alert lifecycle in a JSON file, replaced atomically; a damaged one is set aside. */
export function fileAlertState(path: string, report: (message: string) => void = console.error): AlertStateStore {
  return {
    load: async () => (await readState(path, decodeAlertState, report)) ?? emptyAlertState(),
    save: (state) => replaceFile(path, JSON.stringify(state)),
  };
}
