import { Artime } from './artime/artime.ts';
import { CadOse } from './cad-ose/cad-ose.ts';

/** The thresholds NAB tuned for each detector on its whole corpus (config/thresholds.json, standard profile). */
export const PUBLISHED_THRESHOLDS = {
  contextOSE: 0.7655273437500002,
  ARTime: 0.317486,
} as const;

export type NabDetectorName = keyof typeof PUBLISHED_THRESHOLDS;

/** NAB's learning period for a file of `rows` rows: 15 %, at most 750 rows. */
export const nabProbationRows = (rows: number): number => Math.min(Math.floor(0.15 * rows), 0.15 * 5000);

/**
 * A detector's scores for a whole file, run as NAB runs it: told the file's value range and its
 * learning period up front. This is how the published scores were made, and only how they are
 * reproduced; the product runs each detector online, without either.
 */
export function nabScores(detector: NabDetectorName, values: readonly number[]): number[] {
  let [min, max] = [Infinity, -Infinity];
  for (const value of values) [min, max] = [Math.min(min, value), Math.max(max, value)];
  switch (detector) {
    case 'contextOSE': {
      const cad = new CadOse({ minValue: min, maxValue: max, restPeriod: nabProbationRows(values.length) / 5 });
      return values.map((value) => cad.score(value));
    }
    case 'ARTime': {
      // ARTime takes the whole file's length for its learning period: 15 %, at most 750 rows.
      const artime = new Artime({ minValue: min, maxValue: max, learningPoints: values.length < 5000 ? Math.floor(0.15 * values.length) : 750 });
      return values.map((value) => artime.score(value));
    }
  }
}
