import type { ForecastStore } from '../../src/ports.ts';
import type { StoredForecast } from '../../src/analysis/forecast/scheduled-forecasts.ts';
import { readState, replaceFile } from './state-file.ts';

interface ForecastFile {
  fittedAt: number;
  forecasts: Record<string, StoredForecast>;
}

function decodeForecastFile(text: string): ForecastFile {
  const parsed = JSON.parse(text) as ForecastFile;
  if (typeof parsed?.fittedAt !== 'number' || typeof parsed.forecasts !== 'object' || parsed.forecasts === null) throw new Error('not a forecasts file');
  return parsed;
}

/** The scheduled forecasts in one JSON file, replaced atomically; a damaged one is set aside. */
export function fileForecastStore(path: string, report: (message: string) => void = console.error): ForecastStore {
  const read = async (): Promise<ForecastFile> => {
    return (await readState(path, decodeForecastFile, report)) ?? { fittedAt: 0, forecasts: {} };
  };
  return {
    async load(key) {
      const { forecasts } = await read();
      return Object.hasOwn(forecasts, key) ? forecasts[key] : undefined;
    },
    async save(fitted, fittedAt) {
      const current = await read();
      for (const forecast of fitted) current.forecasts[forecast.key] = forecast;
      current.fittedAt = fittedAt;
      await replaceFile(path, JSON.stringify(current));
    },
    async fittedAt() {
      return (await read()).fittedAt;
    },
  };
}
