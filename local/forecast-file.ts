import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ForecastStore } from '../lambdas/analyze.ts';
import type { StoredForecast } from '../src/analysis/forecast/scheduled-forecasts.ts';

interface ForecastFile { fittedAt: number; forecasts: Record<string, StoredForecast> }

/** The scheduled forecasts in one JSON file, replaced atomically (write, then rename). */
export function fileForecastStore(path: string): ForecastStore {
  const read = async (): Promise<ForecastFile> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as ForecastFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { fittedAt: 0, forecasts: {} };
      throw error;
    }
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
      await writeFile(`${path}.tmp`, JSON.stringify(current));
      await rename(`${path}.tmp`, path);
    },
    async fittedAt() {
      return (await read()).fittedAt;
    },
  };
}
