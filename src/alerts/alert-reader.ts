import type { Alert } from './alert.ts';
import type { AlertReader, AlertStateStore } from '../ports.ts';

/** What /v1/alerts and /v1/anomalies read, from the lifecycle state (and a log of sent alerts where one exists). */
export function alertReaderOf(state: AlertStateStore, recent?: (limit: number) => Promise<Alert[]>): AlertReader {
  return {
    open: async () => Object.values((await state.load()).open),
    anomalies: async () => (await state.load()).anomalies ?? { checkedAt: 0, conditions: [] },
    ...(recent ? { recent } : {}),
  };
}
