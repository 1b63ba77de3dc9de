import { DualVigilanceArt, type DualVigilanceArtSnapshot } from './dual-vigilance-art.ts';
import { decodeFloat64s, encodeFloat64s } from './float-base64.ts';
import { haarTransform } from './haar.ts';

/** The published configuration (ARTime, M. Hampton 2021, as run in NAB). */
export const ARTIME_DEFAULTS = {
  window: 8,
  windowsPerLearningPeriod: 13,
  discretizeChomp: 0.075,
  levels: 80,
  initialRho: 0.8,
} as const;

export interface ArtimeOptions {
  /** The value range the input is scaled into (NAB gives each detector the file's min and max). */
  minValue: number;
  maxValue: number;
  /** Points in the learning period; ARTime learns in one batch at its end. */
  learningPoints: number;
  /** Bounds the category store (the unused longest is forgotten); unbounded as published. */
  maxCategories?: number;
  /** 32 keeps the ART's weights as float32 (half the stored state); 64 as published. */
  weightBits?: 32 | 64;
}

/** Julia's round(Int, x): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const floor = Math.floor(x);
  const diff = x - floor;
  return diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
};
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * ARTime (Mark Hampton, 2021), reimplemented from its published Julia: the series is downsampled
 * (a block's extreme, unless within 10 % of its mean), scaled, quantized to 80 levels and pulled to
 * a running median when close; each window of 8 such points, with its Haar wavelet coefficients,
 * is a feature vector for a dual-vigilance fuzzy ART. A point that founds a new cluster outside a
 * masking period is an anomaly, scored by how far its match falls below the vigilances and how
 * little of its newest value any category covers. The vigilances adapt to recent similarities.
 */
export class Artime {
  private art: DualVigilanceArt;
  private readonly step: number;
  private readonly trendWindow: number;
  private readonly mask: number;
  private readonly range: { min: number; max: number };
  private i = 1;
  private dsi = 1;
  private blockWindow: number[];
  private movingAverage = 0;
  private readonly levelCounts: number[];
  private medianLevel = 0;
  private belowMedian = 0;
  private aboveMedian = 0;
  private featureWindow: number[] = new Array<number>(ARTIME_DEFAULTS.window).fill(0);
  private learningFeatures: number[][] = [];
  // Detection state.
  private lastAnomaly = 0;
  private lastAnomalySimilarity = 0;
  private lastRhoUpdate = 0;
  private maskAfterCategory = false;
  private sinceNewCategory = 0;
  /**
   * The similarities of past anomalies, as their count, the sum of all but the newest (added in
   * order, so their mean is the original's to the bit) and the newest, which may still be lowered.
   */
  private anomalies = { count: 0, sumBeforeNewest: 0, newest: 0 };
  private simWindow: number[];
  private simDiffWindow: number[];
  private upperMean = { n: 0, mean: 0 };

  constructor(private readonly options: ArtimeOptions) {
    const { window, windowsPerLearningPeriod, levels } = ARTIME_DEFAULTS;
    const learning = options.learningPoints - (options.learningPoints % 2);
    this.step = Math.max(1, Math.floor(learning / (window * windowsPerLearningPeriod)));
    this.trendWindow = Math.floor(learning / this.step);
    this.mask = window * 1.5;
    this.range = { min: options.minValue, max: options.maxValue };
    this.blockWindow = new Array<number>(this.step).fill(0);
    this.levelCounts = new Array<number>(levels + 1).fill(0);
    this.simWindow = new Array<number>(Math.floor(this.trendWindow / 2) + 1).fill(1);
    this.simDiffWindow = new Array<number>(this.trendWindow + 1).fill(0);
    this.art = new DualVigilanceArt(2 * window, options.maxCategories ?? Infinity, options.weightBits ?? 64);
  }

  /** Everything the detector carries, as plain JSON; `restore` continues exactly where it left off. */
  snapshot(): ArtimeSnapshot {
    return {
      options: { ...this.options },
      counters: [this.i, this.dsi, this.medianLevel, this.belowMedian, this.aboveMedian, this.lastAnomaly, this.lastRhoUpdate, this.sinceNewCategory],
      movingAverage: this.movingAverage,
      lastAnomalySimilarity: this.lastAnomalySimilarity,
      maskAfterCategory: this.maskAfterCategory,
      blockWindow: [...this.blockWindow],
      levelCounts: [...this.levelCounts],
      featureWindow: [...this.featureWindow],
      learningFeatures: this.learningFeatures.map((f) => [...f]),
      anomalies: { ...this.anomalies },
      simWindow: encodeFloat64s(this.simWindow),
      simDiffWindow: encodeFloat64s(this.simDiffWindow),
      upperMean: { ...this.upperMean },
      art: this.art.snapshot(),
    };
  }

  static restore(s: ArtimeSnapshot): Artime {
    const artime = new Artime(s.options);
    [artime.i, artime.dsi, artime.medianLevel, artime.belowMedian, artime.aboveMedian, artime.lastAnomaly, artime.lastRhoUpdate, artime.sinceNewCategory] =
      s.counters;
    artime.movingAverage = s.movingAverage;
    artime.lastAnomalySimilarity = s.lastAnomalySimilarity;
    artime.maskAfterCategory = s.maskAfterCategory;
    artime.blockWindow = [...s.blockWindow];
    artime.levelCounts.splice(0, artime.levelCounts.length, ...s.levelCounts);
    artime.featureWindow = [...s.featureWindow];
    artime.learningFeatures = s.learningFeatures.map((f) => [...f]);
    artime.anomalies = { ...s.anomalies };
    artime.simWindow = decodeFloat64s(s.simWindow, artime.simWindow.length);
    artime.simDiffWindow = decodeFloat64s(s.simDiffWindow, artime.simDiffWindow.length);
    artime.upperMean = { ...s.upperMean };
    artime.art = DualVigilanceArt.restore(2 * ARTIME_DEFAULTS.window, s.options.maxCategories ?? Infinity, s.options.weightBits ?? 64, s.art);
    return artime;
  }

  get categoryCount(): number {
    return this.art.categoryCount;
  }

  /** The anomaly score of the next value, from 0 to 1 (0 also for points between downsampled ones). */
  score(value: number): number {
    this.blockWindow = [...this.blockWindow.slice(1), value];
    let anomaly = 0;
    if (this.i % this.step === 0) {
      anomaly = this.processFeatures(this.features(this.downsample()), this.dsi);
      this.dsi += 1;
    }
    this.i += 1;
    return anomaly;
  }

  /** One downsampled, scaled, quantized and median-pulled point per block of `step` values. */
  private downsample(): number {
    const { levels, discretizeChomp } = ARTIME_DEFAULTS;
    const blockMean = mean(this.blockWindow);
    const blockMax = Math.max(...this.blockWindow);
    const blockMin = Math.min(...this.blockWindow);
    if (this.dsi === 1) this.movingAverage = blockMean;
    this.movingAverage = (this.movingAverage + blockMean) / 2;
    let ds = Math.abs(blockMax - this.movingAverage) < Math.abs(blockMin - this.movingAverage) ? blockMin : blockMax;
    if (Math.abs(ds - blockMean) < 0.1 * blockMean) ds = blockMean;
    ds -= this.range.min;
    if (this.range.max - this.range.min !== 0) ds /= this.range.max - this.range.min;
    const level = roundHalfEven(ds * levels);
    ds = level / levels;
    this.followMedian(level);
    const median = this.medianLevel / levels;
    return Math.abs(ds - median) < discretizeChomp ? median : ds;
  }

  /** An approximate running median of the levels seen, moved one occupied level at a time. */
  private followMedian(level: number): void {
    this.levelCounts[level] = (this.levelCounts[level] ?? 0) + 1;
    const middle = Math.floor(this.dsi / 2);
    if (this.dsi === 1) this.medianLevel = level;
    if (this.medianLevel > level) this.belowMedian += 1;
    else if (this.medianLevel < level) this.aboveMedian += 1;
    if (middle < this.aboveMedian) {
      this.belowMedian += this.levelCounts[this.medianLevel]!;
      this.medianLevel += 1;
      while (this.levelCounts[this.medianLevel] === 0) this.medianLevel += 1;
      this.aboveMedian -= this.levelCounts[this.medianLevel]!;
    } else if (middle < this.belowMedian) {
      this.aboveMedian += this.levelCounts[this.medianLevel]!;
      this.medianLevel -= 1;
      while (this.levelCounts[this.medianLevel] === 0) this.medianLevel -= 1;
      this.belowMedian -= this.levelCounts[this.medianLevel]!;
    }
  }

  /** The window's wavelet coefficients and the window itself, each scaled to [0, 1]; zeros until the window is full. */
  private features(ds: number): number[] {
    const { window } = ARTIME_DEFAULTS;
    this.featureWindow = [...this.featureWindow.slice(1), ds];
    if (this.dsi < window) return new Array<number>(2 * window).fill(0);
    const wavelet = haarTransform(scaleToUnit(this.featureWindow));
    return [...scaleToUnit(wavelet), ...this.featureWindow];
  }

  private processFeatures(features: number[], i: number): number {
    if (i > this.trendWindow) return this.detect(features, i);
    this.learningFeatures.push(features);
    if (i === this.trendWindow) {
      const rho = initialRho(this.learningFeatures.slice(ARTIME_DEFAULTS.window - 1), this.trendWindow);
      [this.art.rhoLower, this.art.rhoUpper] = [rho, rho];
      for (const [index, f] of this.learningFeatures.entries()) this.detect(f, index + 1);
      this.learningFeatures.length = 0;
    }
    return 0;
  }

  private detect(features: readonly number[], i: number): number {
    const sinceAnomaly = i - this.lastAnomaly;
    const updateAfterAnomaly = sinceAnomaly === this.mask;
    const updateForTrend = i - this.lastRhoUpdate >= Math.floor(this.trendWindow / 2);
    const maskAfterAnomaly = sinceAnomaly <= this.mask;
    if (i > this.trendWindow + this.mask && this.maskAfterCategory && this.sinceNewCategory >= this.mask) this.maskAfterCategory = false;
    let category: number;
    if (i < ARTIME_DEFAULTS.window) {
      this.art.train(features, false);
      category = -1;
    } else {
      category = this.art.train(features);
    }
    this.sinceNewCategory = category === -1 ? 0 : this.sinceNewCategory + 1;
    const similarity = this.art.lastMatch;
    this.upperMean.n += 1;
    this.upperMean.mean += (similarity - this.upperMean.mean) / this.upperMean.n;
    this.simWindow = [...this.simWindow.slice(1), similarity];
    this.simDiffWindow = [...this.simDiffWindow.slice(1), this.art.rhoUpper - similarity];
    const past = this.anomalies;
    if (sinceAnomaly < this.mask && past.count > 0 && similarity < past.newest) past.newest = similarity;
    const masking = this.maskAfterCategory || maskAfterAnomaly;
    const belowLast = similarity < this.lastAnomalySimilarity * (maskAfterAnomaly ? 0.9 : 0.7);
    let anomaly = 0;
    if (i > this.trendWindow && category === -1 && (!masking || belowLast)) {
      anomaly = this.confidence(similarity, this.art.lastEnergy);
      if (past.count > 0) past.sumBeforeNewest += past.newest;
      [past.count, past.newest] = [past.count + 1, similarity];
      this.lastAnomalySimilarity = similarity;
      this.lastAnomaly = i;
    }
    this.maskAfterCategory = category === -1 || this.maskAfterCategory;
    if (i > this.trendWindow && (updateAfterAnomaly || updateForTrend)) this.adaptVigilance(i);
    return anomaly;
  }

  /** Moves the upper vigilance to the mean similarity, and the lower one toward the recent low. */
  private adaptVigilance(i: number): void {
    const lowest = Math.min(...this.simWindow);
    const upper = Math.min(0.97, this.upperMean.mean);
    const previous = this.art.rhoLower;
    let lower: number;
    if (previous <= lowest) {
      lower = previous + (lowest - previous) * 0.19;
    } else {
      let decrease = 0;
      if (i > this.trendWindow * 2) {
        const below = this.simDiffWindow.filter((x) => x > 0.05).map((x) => Math.min(0.37, x));
        if (below.length > 0) decrease = mean(below);
      }
      lower = previous - Math.max(0.01, decrease) / 2;
      const past = this.anomalies;
      if (past.count > 0) lower = Math.max((past.sumBeforeNewest + past.newest) / past.count, lower);
    }
    [this.art.rhoLower, this.art.rhoUpper] = [Math.min(upper, lower), upper];
    this.lastRhoUpdate = i;
    this.maskAfterCategory = true;
  }

  private confidence(featureSimilarity: number, energySimilarity: number): number {
    const similarity = Math.min(0.999, featureSimilarity);
    const upper = (1 - similarity - (1 - this.art.rhoUpper)) / (1 - similarity);
    const lower = (1 - similarity - (1 - this.art.rhoLower)) / (1 - similarity);
    const score = Math.min(1, upper * 0.35 + lower * 0.65 + (1 - energySimilarity) * 1.5);
    return roundHalfEven(score * 1e6) / 1e6;
  }
}

export interface ArtimeSnapshot {
  options: ArtimeOptions;
  /** i, dsi, medianLevel, belowMedian, aboveMedian, lastAnomaly, lastRhoUpdate, sinceNewCategory. */
  counters: [number, number, number, number, number, number, number, number];
  movingAverage: number;
  lastAnomalySimilarity: number;
  maskAfterCategory: boolean;
  blockWindow: number[];
  levelCounts: number[];
  featureWindow: number[];
  learningFeatures: number[][];
  anomalies: { count: number; sumBeforeNewest: number; newest: number };
  /** The recent similarities and their shortfalls below the upper vigilance, as base64 float64s. */
  simWindow: string;
  simDiffWindow: string;
  upperMean: { n: number; mean: number };
  art: DualVigilanceArtSnapshot;
}

/** Min-max scaling to [0, 1]; a constant stays at 0. */
function scaleToUnit(values: readonly number[]): number[] {
  const low = Math.min(...values);
  const shifted = values.map((v) => v - low);
  const high = Math.max(...shifted);
  return high === 0 ? shifted : shifted.map((v) => v / high);
}

/** Close to cosine similarity; a zero vector is compared by the other's length. */
function similarity(a: readonly number[], b: readonly number[]): number {
  const [na, nb] = [norm2(a), norm2(b)];
  if (na === 0) return 1 - nb;
  if (nb === 0) return 1 - na;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (na * nb);
}

/** The Euclidean norm, scaled by the largest magnitude first as the original's library does. */
function norm2(values: readonly number[]): number {
  const largest = Math.max(...values.map(Math.abs));
  if (largest === 0) return 0;
  let sum = 0;
  for (const v of values) sum += (v / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/**
 * The starting vigilance: the learning windows, ordered from least to most similar to the others,
 * are learned by a fresh ART at vigilance 0.8, and the mean match over its second half is the rho.
 */
function initialRho(windows: readonly number[][], trendWindow: number): number {
  const n = windows.length;
  const sums = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sums[i]! += i === j ? 1 : similarity(windows[Math.max(i, j)]!, windows[Math.min(i, j)]!);
  }
  const order = sums.map((_, i) => i).sort((a, b) => sums[a]! - sums[b]! || a - b);
  const art = new DualVigilanceArt(windows[0]!.length);
  [art.rhoLower, art.rhoUpper] = [ARTIME_DEFAULTS.initialRho, ARTIME_DEFAULTS.initialRho];
  const matches = order.map((index) => {
    art.train(windows[index]!);
    return art.lastMatch;
  });
  return mean(matches.slice(Math.floor(trendWindow / 2) - 1));
}
