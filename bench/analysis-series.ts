import { seededRandom } from '../src/analysis/anomaly/random.ts';

/** The benchmark's series: a daily cycle with noise; one in 500 carries an incident over the newest `INCIDENT_BUCKETS` buckets. */
export const benchDimensions = (s: number) => ({ app: 'bench', method: 'GET', endpoint: `/api/e${s}` });

const noise = seededRandom(11);
/** Longer than the detector's 7-bucket downsampling step, so every incident meets one of its judged points. */
export const INCIDENT_BUCKETS = 8;
export const benchValue = (s: number, t: number, newest: boolean) =>
  (200 + 80 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000)) * (1 + (noise() - 0.5) * 0.2) + (s % 500 === 0 && newest ? 2000 : 0);
