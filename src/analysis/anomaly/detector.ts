import { medianAndScale, robustZ } from './robust.ts';
import { medianStep } from '../series-step.ts';
import { SlidingExtremes } from './sliding-extremes.ts';

export interface DetectorConfig {
  /** Alert when the anomaly score (0..1) reaches this: 0.85 by default, high enough that an alert is worth a look. */
  sensitivity: number;
  /** No alert before this much history (24 h: a daily cycle must be seen once before it can be judged). */
  learningPeriodMs: number;
  /** After an alert, the same series stays quiet this long (the condition is already known). */
  cooldownMs: number;
  /**
   * A point must clearly beat the largest deviation its series showed in the last few days (and at
   * least this robust z): spiky series then alert only on spikes bigger than their usual ones.
   */
  zStart: number;
  /** How fast the score rises once a point beats that bar (score 0.85 at about 1.5 x the bar with 4). */
  zScale: number;
  /** The bar is this share of the largest deviation of the last `barMemoryDays`. */
  barFactor: number;
  /**
   * Days a deviation sets the bar (3): long enough that a spiky series' usual spikes keep it up,
   * short enough that one incident does not leave the series half-blind for a week.
   */
  barMemoryDays: number;
  /** With a daily view, the seasonal deviation counts once the recent-level view sees at least this much. */
  localGate: number;
  /** Points in the recent mean of deviation scores that the likelihood judges (15; Numenta's is 10). */
  averaging: number;
  /** Weight of each new recent mean in the long-run mean and variance (0.002: about 500 points of memory). */
  longRunWeight: number;
  /** The long-run spread never counts as less than this, so a series that never deviated needs a real run of deviations. */
  minSpread: number;
  /** Decimal digits of tail probability at which the score reaches 0.85 (6: one in a million). */
  tailDigits: number;
  /**
   * Once a week is kept, the deviation from previous days counts only up to this many times the
   * deviation from the same time a week earlier (2): a Sunday that looks like last Sunday is not news.
   */
  weeklyTolerance: number;
  /**
   * Memory, in days, of the usual size of a series' departures from its seasonal references and
   * of its excursions beyond the week's range (7).
   */
  departureMemoryDays: number;
}

export const DEFAULT_DETECTOR: DetectorConfig = {
  sensitivity: 0.85,
  learningPeriodMs: 24 * 60 * 60 * 1000,
  cooldownMs: 24 * 60 * 60 * 1000,
  zStart: 6,
  zScale: 1,
  barFactor: 0.3,
  barMemoryDays: 3,
  localGate: 2,
  averaging: 15,
  longRunWeight: 0.002,
  minSpread: 0.01,
  tailDigits: 6,
  weeklyTolerance: 2,
  departureMemoryDays: 7,
};

/**
 * Bumped whenever the meaning of a stored state changes: a state of another version is rebuilt by
 * replaying the kept statistics, never read.
 */
export const DETECTOR_STATE_VERSION = 5;

/**
 * What the detector carries from one point to the next, beside the series' own recent values
 * (which the kept statistics hold): a few numbers, JSON as it is, the same after a save and a load.
 */
export interface DetectorState {
  v: number;
  /** Points judged so far. */
  n: number;
  firstTime: number;
  /** The last point judged: a run feeds only the points after it. */
  lastTime: number;
  /** The series' usual spacing, learned from its first points (0 until then). */
  stepMs: number;
  /** 0 when no alert is cooling down. */
  quietUntil: number;
  /** The largest deviations of the last `barMemoryDays`, as a monotonic deque of (point number, deviation) pairs. */
  evidence: number[];
  /** The last `averaging` deviation scores. */
  recent: number[];
  /** Long-run mean and variance of their mean, and how many means went into them. */
  mean: number;
  variance: number;
  means: number;
  /** The usual size of the short-run departure from the nearest seasonal reference, and how many went into it. */
  departureScale: number;
  departures: number;
  /** The usual excursion beyond the week's range, in step-noise units (0 inside it), and how many went into it. */
  recordScale: number;
  records: number;
}

export interface Judgement {
  score: number;
  alert: boolean;
  /** The features behind the score, for the alert message. */
  reasons?: { local: number; seasonal?: number; change: number; shift: number; departure?: number; record?: number };
}

export const newDetectorState = (): DetectorState => ({
  v: DETECTOR_STATE_VERSION,
  n: 0,
  firstTime: 0,
  lastTime: 0,
  stepMs: 0,
  quietUntil: 0,
  evidence: [],
  recent: [],
  mean: 0,
  variance: 0,
  means: 0,
  departureScale: 0,
  departures: 0,
  recordScale: 0,
  records: 0,
});

/** The state's plain numbers: a stored state must have every one of them finite. */
const NUMBER_FIELDS = [
  'n',
  'firstTime',
  'lastTime',
  'stepMs',
  'quietUntil',
  'mean',
  'variance',
  'means',
  'departureScale',
  'departures',
  'recordScale',
  'records',
] as const;

/** A state read back from storage, when it is one this code wrote; anything else is to be rebuilt. */
export function readDetectorState(stored: unknown): DetectorState | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const s = stored as Partial<DetectorState>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (s.v !== DETECTOR_STATE_VERSION || !NUMBER_FIELDS.every((field) => finite(s[field]))) return undefined;
  if (!Array.isArray(s.evidence) || s.evidence.length % 2 !== 0 || !s.evidence.every(finite)) return undefined;
  if (!Array.isArray(s.recent) || !s.recent.every(finite)) return undefined;
  const numbers = Object.fromEntries(NUMBER_FIELDS.map((field) => [field, s[field]])) as Pick<DetectorState, (typeof NUMBER_FIELDS)[number]>;
  return { v: s.v, ...numbers, evidence: [...s.evidence], recent: [...s.recent] };
}

export const cloneDetectorState = (state: DetectorState): DetectorState => ({ ...state, evidence: [...state.evidence], recent: [...state.recent] });

/**
 * The points a detector reads: the kept statistics' typed arrays, or the growing arrays of a
 * replay. Values are judged as the 32-bit floats they are stored as, so a replay and a resumed
 * run see the same numbers.
 */
export interface SeriesView {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}
const valueAt = (points: SeriesView, i: number) => Math.fround(points.values[i]!);

/**
 * What `judgePoint` derives from a series' points, kept for the next point of the same replay.
 * Each entry is a function of the points alone, so it is the same value whether computed now or
 * memoized: the memo changes the speed, never a score.
 */
export interface SeriesMemo {
  points?: SeriesView;
  perDay: number;
  run: number;
  runMeans: number[];
  /** How many previous days the residuals below are against. */
  days: number;
  residuals: number[];
  residualRuns: number[];
  weeklyResiduals: number[];
  weeklyRuns: number[];
  departureRuns: number[];
  weekExtremes?: SlidingExtremes;
}
const emptyMemo = () => ({
  runMeans: [],
  days: 0,
  residuals: [],
  residualRuns: [],
  weeklyResiduals: [],
  weeklyRuns: [],
  departureRuns: [],
  weekExtremes: undefined,
});
export const newSeriesMemo = (): SeriesMemo => ({ perDay: 0, run: 0, ...emptyMemo() });

const DAY_MS = 86_400_000;
const SEASONAL_DAYS = 7;
/** Previous days the same-slot views need before they judge: one day alone echoes its spikes into the next. */
const SEASONAL_MIN_DAYS = 2;

/** How far back the detector looks, in points: what the kept statistics must hold before a point. */
export function historyNeeded(stepMs: number): number {
  const { perDay, window, run } = geometry(stepMs);
  return SEASONAL_DAYS * perDay + window + run + 1;
}

function geometry(stepMs: number) {
  const perDay = Math.max(1, Math.round(DAY_MS / Math.max(stepMs, 1)));
  const window = Math.min(288, Math.max(24, Math.round(perDay / 2)));
  return { perDay, window, run: Math.max(3, Math.round(window / 12)) };
}

/**
 * Judges `points[i]` from the points before it and the state, and advances the state. Every
 * feature is a function of those earlier values alone: deviation from the recent level (robust
 * z), from the same time on two to seven previous days (seasonal residual), the step from the
 * previous point, and short-run level shifts of both. A point scores once its deviation clearly
 * beats the largest its series showed in the last few days.
 */
export function judgePoint(
  state: DetectorState,
  points: SeriesView,
  i: number,
  config: DetectorConfig = DEFAULT_DETECTOR,
  memo: SeriesMemo = newSeriesMemo(),
): Judgement {
  const time = points.times[i]!;
  const x = valueAt(points, i);
  if (state.n === 0) state.firstTime = time;
  state.n += 1;
  state.lastTime = time;
  if (state.stepMs === 0 && state.n > 12 && i >= 12) state.stepMs = medianStep(Array.from({ length: 12 }, (_, j) => points.times[i - 12 + j]!));
  const { perDay, window: w, run: k } = geometry(state.stepMs);
  if (state.stepMs === 0 || i < w + k) return { score: 0, alert: false };

  const recent = Array.from({ length: w }, (_, j) => valueAt(points, i - w + j));
  const level = medianAndScale(recent);
  const floor = 1e-3 * (Math.abs(level.median) + 1);
  const local = robustZ(x, level.median, level.scale, floor);
  const diffs = Array.from({ length: w - 1 }, (_, j) => valueAt(points, i - w + j + 1) - valueAt(points, i - w + j));
  const diffStats = medianAndScale(diffs);
  const change = robustZ(x - valueAt(points, i - 1), diffStats.median, diffStats.scale, floor);
  if (memo.perDay !== perDay || memo.run !== k || memo.points !== points) Object.assign(memo, { points, perDay, run: k, ...emptyMemo() });
  // A view's value at this point against that view's own last `w` values.
  const againstOwnWindow = (view: (j: number) => number) => {
    const stats = medianAndScale(Array.from({ length: w }, (_, j) => view(i - w + j)));
    return robustZ(view(i), stats.median, stats.scale, floor);
  };
  const runMean = (end: number) => (memo.runMeans[end] ??= meanOfRun(end, k, (j) => valueAt(points, j)));
  const shift = againstOwnWindow(runMean);

  let seasonal: number | undefined;
  let seasonalShift: number | undefined;
  let departure = 0;
  let record = 0;
  if (i - w - k + 1 >= perDay) {
    // The week before the last half day: a slide into ground the series has not been on all week
    // (a machine cooling towards failure) is news even while it is too slow for the other views.
    const extremes = (memo.weekExtremes ??= new SlidingExtremes((j) => valueAt(points, j))).over(Math.max(0, i - SEASONAL_DAYS * perDay), i - w);
    if (extremes) record = recordZ(state, runMean(i), extremes, Math.max(diffStats.scale, floor), perDay, config);
    // Each residual is against the same slot on previous days; its runs are the shift view of them.
    // Every residual a point is judged with uses the same number of previous days: were each to use
    // all the days it has, a growing series' residuals would step when a day is added, an alert
    // on every trending series in its first week. One previous day is no reference: its spikes
    // come back a day later as dips of the same size, which raise the bar against a real incident.
    const days = Math.min(SEASONAL_DAYS, Math.floor((i - w - k + 1) / perDay));
    if (days >= SEASONAL_MIN_DAYS) {
      if (memo.days !== days) Object.assign(memo, { days, residuals: [], residualRuns: [] });
      const residual = (j: number) => (memo.residuals[j] ??= seasonalResidual(points, j, perDay, days));
      const residualRun = (end: number) => (memo.residualRuns[end] ??= meanOfRun(end, k, residual));
      seasonal = againstOwnWindow(residual);
      seasonalShift = againstOwnWindow(residualRun);

      const weekAgo = SEASONAL_DAYS * perDay;
      if (i - w - k + 1 >= weekAgo) {
        // The same views against the same time a week earlier, which knows weekly habits.
        const weeklyResidual = (j: number) => (memo.weeklyResiduals[j] ??= valueAt(points, j) - valueAt(points, j - weekAgo));
        const weeklyRun = (end: number) => (memo.weeklyRuns[end] ??= meanOfRun(end, k, weeklyResidual));
        seasonal = tolerate(seasonal, againstOwnWindow(weeklyResidual), config.weeklyTolerance);
        seasonalShift = tolerate(seasonalShift, againstOwnWindow(weeklyRun), config.weeklyTolerance);
        // A departure from the nearer of both references, measured against its usual size over days
        // rather than the last hours: a snowstorm's day-long slump stays news after its first hours.
        const nearer = (j: number) => {
          const a = residual(j),
            b = weeklyResidual(j);
          return Math.abs(a) <= Math.abs(b) ? a : b;
        };
        departure = departureZ(state, (memo.departureRuns[i] ??= meanOfRun(i, k, nearer)), perDay, config);
      }
    }
  }

  // Where the series has a daily view, a point must look wrong both against the recent level and
  // against the same time on previous days: a daily peak is not news, nor is a noisy yesterday.
  const localExtreme = Math.max(Math.abs(local), Math.abs(shift));
  const seasonalExtreme = seasonal === undefined ? undefined : Math.max(Math.abs(seasonal), Math.abs(seasonalShift!));
  const gated = seasonalExtreme === undefined ? localExtreme : localExtreme >= config.localGate ? seasonalExtreme : Math.min(localExtreme, seasonalExtreme);
  // Neither a record nor a departure needs the gate: the week's range already holds the daily
  // peaks, and a departure is from the same time of day in units of its own usual size over days.
  // Gated, a daily peak that never comes would pass unseen, the recent level having no peak in it.
  const extreme = Math.max(gated, Math.abs(record), Math.abs(departure));
  const index = state.n;
  const evidence = state.evidence;
  while (evidence.length && evidence[0]! <= index - config.barMemoryDays * perDay) evidence.splice(0, 2);
  const bar = Math.max(config.zStart, config.barFactor * (evidence[1] ?? 0));
  const deviation = 1 - Math.exp(-Math.max(0, extreme / bar - 1) * config.zScale);
  while (evidence.length && evidence.at(-1)! <= extreme) evidence.splice(-2, 2);
  evidence.push(index, extreme);
  const score = likelihoodScore(state, deviation, perDay, config);

  const learning = time - state.firstTime < config.learningPeriodMs;
  const alert = !learning && score >= config.sensitivity && time > state.quietUntil;
  if (alert) state.quietUntil = time + config.cooldownMs;
  return {
    score,
    alert,
    reasons: {
      local,
      ...(seasonal === undefined ? {} : { seasonal }),
      change,
      shift,
      ...(departure === 0 ? {} : { departure }),
      ...(record === 0 ? {} : { record }),
    },
  };
}

/** The mean of the `k` values ending at `end`. */
function meanOfRun(end: number, k: number, valueAt: (j: number) => number): number {
  let sum = valueAt(end);
  for (let j = end - k + 1; j < end; j++) sum += valueAt(j);
  return sum / k;
}

/** `z`, counted only up to `tolerance` times `other`, and not at all when the two disagree in direction. */
function tolerate(z: number, other: number, tolerance: number): number {
  if (Math.sign(z) !== Math.sign(other)) return 0;
  return Math.sign(z) * Math.min(Math.abs(z), tolerance * Math.abs(other));
}

/**
 * A departure in units of the series' usual departure (an exponentially weighted mean absolute
 * size, over `departureMemoryDays`, as a normal spread), and that size advanced. A departure
 * counts at most five usual sizes into it, so one long event does not teach the series that
 * events are usual. 0 during the first day, while the size is learned.
 */
function departureZ(state: DetectorState, departure: number, perDay: number, config: DetectorConfig): number {
  const learned = state.departures >= perDay && state.departureScale > 0;
  const z = learned ? departure / (MEAN_ABSOLUTE_TO_SPREAD * state.departureScale) : 0;
  const size = learned ? Math.min(Math.abs(departure), 5 * state.departureScale) : Math.abs(departure);
  state.departureScale = learnUsualSize(state.departureScale, state.departures++, size, perDay, config);
  return z;
}

/**
 * How far the short-run mean lies beyond the week's range (0 inside it), in units of the step
 * noise, divided by one plus the series' usual such excursion: a series that never leaves its
 * range counts a record whole, one that often roams past it (a random walk) counts it less. The
 * usual excursion is learned over the departure's memory, zeros included and uncapped (a cap
 * would starve it, as most points lie inside the range); 0 during its first day.
 */
function recordZ(
  state: DetectorState,
  runMean: number,
  week: { low: number; high: number },
  stepNoise: number,
  perDay: number,
  config: DetectorConfig,
): number {
  const beyond = runMean > week.high ? (runMean - week.high) / stepNoise : runMean < week.low ? (runMean - week.low) / stepNoise : 0;
  const learned = state.records >= perDay;
  const z = learned ? beyond / (1 + state.recordScale) : 0;
  state.recordScale = learnUsualSize(state.recordScale, state.records++, Math.abs(beyond), perDay, config);
  return z;
}

/**
 * A usual size moved towards a new `size`: an exact mean while fewer than `departureMemoryDays`
 * of sizes (`count` so far) went into it, an exponentially weighted one after.
 */
function learnUsualSize(usual: number, count: number, size: number, perDay: number, config: DetectorConfig): number {
  const weight = Math.max(1 / (config.departureMemoryDays * perDay), 1 / (count + 1));
  return usual + weight * (size - usual);
}

/** A normal distribution's standard deviation over its mean absolute deviation. */
const MEAN_ABSOLUTE_TO_SPREAD = Math.sqrt(Math.PI / 2);

/** The value minus the median of the same slot on the `days` previous days (robust to one odd day). */
function seasonalResidual(points: SeriesView, i: number, perDay: number, days: number): number {
  const value = valueAt(points, i);
  const sameSlot: number[] = [];
  for (let day = 1; day <= days; day++) sameSlot.push(valueAt(points, i - day * perDay));
  sameSlot.sort((a, b) => a - b);
  return value - sameSlot[Math.floor((sameSlot.length - 1) / 2)]!;
}

/**
 * A detector fed one point at a time (the CLI and NAB replay a file this way). It keeps only the
 * history `judgePoint` looks at, so a long file costs no more memory than a week.
 */
export function createAnomalyDetector(config: DetectorConfig = DEFAULT_DETECTOR) {
  const state = newDetectorState();
  const memo = newSeriesMemo();
  let points = { times: [] as number[], values: [] as number[] };
  return {
    update(timestamp: number, value: number): Judgement {
      points.times.push(timestamp);
      points.values.push(value);
      const judgement = judgePoint(state, points, points.times.length - 1, config, memo);
      // A new view starts a new memo (its indices are new).
      const keep = state.stepMs > 0 ? historyNeeded(state.stepMs) : Infinity;
      if (points.times.length > 2 * keep) points = { times: points.times.slice(-keep), values: points.values.slice(-keep) };
      return judgement;
    },
    state: () => cloneDetectorState(state),
  };
}

/**
 * How unlikely the recent mean of deviation scores is against that mean's own long-run
 * distribution (as Numenta's anomaly likelihood): one point over the bar is not enough on a series
 * that often has such points, while a run of them on a steady series is. Scored from the tail
 * probability's decimal digits, 0.85 at `tailDigits`.
 */
function likelihoodScore(state: DetectorState, deviation: number, perDay: number, config: DetectorConfig): number {
  state.recent.push(deviation);
  if (state.recent.length > config.averaging) state.recent.shift();
  let sum = 0;
  for (const d of state.recent) sum += d;
  const recentMean = sum / state.recent.length;
  // Two days of means before the distribution is trusted: the first weeks are where a series is learned.
  const score =
    state.means >= 2 * perDay
      ? Math.min(
          1,
          (0.85 * -Math.log10(Math.max(upperTail((recentMean - state.mean) / Math.max(Math.sqrt(state.variance), config.minSpread)), 1e-300))) /
            config.tailDigits,
        )
      : 0;
  // An exponentially weighted mean and variance, an exact running average while fewer means than the weight's memory are in.
  const weight = Math.max(config.longRunWeight, 1 / (state.means + 1));
  const delta = recentMean - state.mean;
  state.mean += weight * delta;
  state.variance = (1 - weight) * (state.variance + weight * delta * delta);
  state.means += 1;
  return score;
}

/** P(Z > z) for a standard normal Z. */
function upperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
