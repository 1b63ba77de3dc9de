import type { ForecastStore } from '../src/ports.ts';
import type { StoredForecast } from '../src/analysis/forecast/scheduled-forecasts.ts';
import { readIfPresent, replaceFile } from './state-file.ts';

interface ForecastFile { fittedAt: number; forecasts: Record<string, StoredForecast> }

/** The scheduled forecasts in one JSON file, replaced atomically. */
export function fileForecastStore(path: string): ForecastStore {
  const read = async (): Promise<ForecastFile> => {
    const text = await readIfPresent(path);
    return text === undefined ? { fittedAt: 0, forecasts: {} } : (JSON.parse(text) as ForecastFile);
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
