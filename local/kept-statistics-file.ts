import type { KeptStatisticsStore } from '../src/ports.ts';
import { decodeHistory, encodeHistory } from '../src/analysis/kept-statistics.ts';
import { readIfPresent, replaceFile } from './state-file.ts';

/** The detector's bucket statistics in one file, replaced atomically. */
export function fileKeptStatistics(path: string): KeptStatisticsStore {
  return {
    async load() {
      const text = await readIfPresent(path);
      return text === undefined ? undefined : decodeHistory(text);
    },
    save: (history) => replaceFile(path, encodeHistory(history)),
  };
}
