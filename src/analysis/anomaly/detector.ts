import { fitForest, scoreForest, type IsolationForest } from './isolation-forest.ts';
import { medianAndScale, robustZ } from './robust.ts';
import { medianStep } from '../series-step.ts';

export interface DetectorConfig {
  /** Alert when the anomaly score (0..1) reaches this: 0.85 by default, high enough that an alert is worth a look. */
  sensitivity: number;
  /** No alert before this much history (24 h: a daily cycle must be seen once before it can be judged). */
  learningPeriodMs: number;
  /** After an alert, the same series stays quiet this long (the condition is already known). */
  cooldownMs: number;
  /** The forest's opinion counts only where the robust statistics already see this many deviations. */
  forestEvidence: number;
  /**
   * A point must clearly beat the largest deviation its series showed in the past week (and at
   * least this robust z): spiky series then alert only on spikes bigger than their usual ones.
   */
  zStart: number;
  /** How fast the score rises once a point beats that bar (score 0.85 at about 1.5 x the bar with 4). */
  zScale: number;
  /** The bar is this share of the past week's largest deviation. */
  barFactor: number;
  /** With a daily view, the seasonal deviation counts once the recent-level view sees at least this much. */
  localGate: number;
  trees: number;
  seed: number;
  /** The forest is refitted on the series' recent features this often (days of points). */
  refitEveryDays: number;
}

export const DEFAULT_DETECTOR: DetectorConfig = {
  sensitivity: 0.85,
  learningPeriodMs: 24 * 60 * 60 * 1000,
  cooldownMs: 24 * 60 * 60 * 1000,
  forestEvidence: 3,
  zStart: 6,
  zScale: 4,
  barFactor: 0.5,
  localGate: 2,
  trees: 100,
  seed: 7,
  refitEveryDays: 1,
};

export interface Judgement {
  score: number;
  alert: boolean;
  /** The features behind the score, for the alert message. */
  reasons?: { local: number; seasonal?: number; change: number; shift: number; forest: number };
}

const MAX_HISTORY = 8 * 288 + 1;
const MIN_FOREST_SAMPLES = 64;

/**
 * Online anomaly detector for one series: each point is judged only from the points before it.
 * Features: deviation from the recent level (robust z), from the same time a day earlier
 * (seasonal residual), the step from the previous point, and a short-run level shift. An
 * isolation forest refitted daily on the series' own recent feature vectors scores how unusual
 * the combination is; a robust statistical score catches plain extremes. The final score is the
 * larger of the two.
 */
export function createAnomalyDetector(config: DetectorConfig = DEFAULT_DETECTOR) {
  const times: number[] = [];
  const values: number[] = [];
  const residuals: number[] = [];
  const diffs: number[] = [];
  // Past run means (and run means of seasonal residuals): their own spread is the yardstick for a
  // shift, which accounts for how smooth the series is (scale / sqrt(k) would assume white noise).
  const runMeans: number[] = [];
  const residualRuns: number[] = [];
  const features: number[][] = [];
  let stepMs = 0;
  let forest: IsolationForest | undefined;
  let sinceFit = 0;
  let quietUntil = -Infinity;
  let index = 0;
  let firstTime: number | undefined;
  // Sliding-window maximum of past evidence (monotonic deque of [index, evidence]).
  const evidenceMax: [number, number][] = [];

  const pointsPerDay = () => Math.max(1, Math.round(86_400_000 / Math.max(stepMs, 1)));
  const window = () => Math.min(288, Math.max(24, Math.round(pointsPerDay() / 2)));

  return {
    update(timestamp: number, value: number): Judgement {
      index += 1;
      firstTime ??= timestamp;
      if (times.length >= 12 && stepMs === 0) {
        stepMs = medianStep(times);
      }
      let judgement: Judgement = { score: 0, alert: false };
      const w = window();
      if (stepMs > 0 && values.length >= w) {
        const recent = values.slice(-w);
        const level = medianAndScale(recent);
        const floor = 1e-3 * (Math.abs(level.median) + 1);
        const local = robustZ(value, level.median, level.scale, floor);
        const diff = value - values.at(-1)!;
        const diffStats = medianAndScale(diffs.slice(-w));
        const change = robustZ(diff, diffStats.median, diffStats.scale, floor);
        const k = Math.max(3, Math.round(w / 12));
        const runMean = (values.slice(-(k - 1)).reduce((a, b) => a + b, 0) + value) / k;
        const runStats = medianAndScale(runMeans.slice(-w));
        const shift = runMeans.length >= w ? robustZ(runMean, runStats.median, runStats.scale, floor) : 0;
        runMeans.push(runMean);
        if (runMeans.length > MAX_HISTORY) runMeans.shift();
        const p = pointsPerDay();
        let seasonal: number | undefined;
        let seasonalShift: number | undefined;
        const residual = seasonalResidual(values, value, p);
        if (residual !== undefined && residuals.length >= w) {
          const residualStats = medianAndScale(residuals.slice(-w));
          seasonal = robustZ(residual, residualStats.median, residualStats.scale, floor);
          const residualRun = (residuals.slice(-(k - 1)).reduce((a, b) => a + b, 0) + residual) / k;
          const residualRunStats = medianAndScale(residualRuns.slice(-w));
          seasonalShift = residualRuns.length >= w ? robustZ(residualRun, residualRunStats.median, residualRunStats.scale, floor) : 0;
          residualRuns.push(residualRun);
          if (residualRuns.length > MAX_HISTORY) residualRuns.shift();
        }
        const vector = [local, seasonal ?? local, change, shift, seasonalShift ?? shift].map((z) => Math.sign(z) * Math.log1p(Math.abs(z)));
        const forestScore = forest ? scoreForest(forest, vector) : 0;
        // Where the series has a daily view, a point must look wrong both against the recent level and
        // against the same time on previous days: a daily peak is not news, nor is a noisy yesterday.
        const localExtreme = Math.max(Math.abs(local), Math.abs(shift));
        const seasonalExtreme = seasonal === undefined ? undefined : Math.max(Math.abs(seasonal), Math.abs(seasonalShift!));
        const extreme = seasonalExtreme === undefined ? localExtreme
          : localExtreme >= config.localGate ? seasonalExtreme : Math.min(localExtreme, seasonalExtreme);
        while (evidenceMax.length && evidenceMax[0]![0] <= index - 7 * p) evidenceMax.shift();
        const bar = Math.max(config.zStart, config.barFactor * (evidenceMax[0]?.[1] ?? 0));
        const statistical = 1 - Math.exp(-Math.max(0, extreme / bar - 1) * config.zScale);
        while (evidenceMax.length && evidenceMax.at(-1)![1] <= extreme) evidenceMax.pop();
        evidenceMax.push([index, extreme]);
        const forestPart = extreme >= config.forestEvidence ? Math.min(1, Math.max(0, (forestScore - 0.5) / 0.25)) : 0;
        const score = Math.max(statistical, forestPart);
        const learning = timestamp - firstTime < config.learningPeriodMs;
        const alert = !learning && score >= config.sensitivity && timestamp > quietUntil;
        if (alert) quietUntil = timestamp + config.cooldownMs;
        judgement = { score, alert, reasons: { local, ...(seasonal === undefined ? {} : { seasonal }), change, shift, forest: forestScore } };
        features.push(vector);
        if (features.length > 2000) features.shift();
        sinceFit += 1;
        if (features.length >= MIN_FOREST_SAMPLES && (!forest || sinceFit >= config.refitEveryDays * pointsPerDay())) {
          forest = fitForest(features, { trees: config.trees, seed: config.seed });
          sinceFit = 0;
        }
      }
      if (values.length > 0) {
        diffs.push(value - values.at(-1)!);
        if (diffs.length > MAX_HISTORY) diffs.shift();
      }
      const residual = stepMs > 0 ? seasonalResidual(values, value, pointsPerDay()) : undefined;
      if (residual !== undefined) {
        residuals.push(residual);
        if (residuals.length > MAX_HISTORY) residuals.shift();
      }
      times.push(timestamp);
      values.push(value);
      if (values.length > MAX_HISTORY) {
        values.shift();
        times.shift();
      }
      return judgement;
    },
  };
}

/** The value minus the median of the same slot on up to seven previous days (robust to one odd day). */
function seasonalResidual(history: readonly number[], value: number, pointsPerDay: number): number | undefined {
  const sameSlot: number[] = [];
  for (let day = 1; day <= 7 && history.length - day * pointsPerDay >= 0; day++) sameSlot.push(history[history.length - day * pointsPerDay]!);
  if (sameSlot.length === 0) return undefined;
  sameSlot.sort((a, b) => a - b);
  return value - sameSlot[Math.floor((sameSlot.length - 1) / 2)]!;
}
