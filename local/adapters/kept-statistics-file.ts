import type { KeptStatisticsStore } from '../../src/ports.ts';
import { decodeHistory, encodeHistory } from '../../src/analysis/kept-statistics.ts';
import { readState, replaceFile } from './state-file.ts';

/** The detector's bucket statistics in one file, replaced atomically; a damaged one is set aside and rebuilt from the store. */
export function fileKeptStatistics(path: string, report: (message: string) => void = console.error): KeptStatisticsStore {
  return {
    load: () => readState(path, decodeHistory, report),
    save: (history) => replaceFile(path, encodeHistory(history)),
  };
}
