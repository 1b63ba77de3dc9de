import { Artime, type ArtimeSnapshot } from './artime/artime.ts';
import { readArtimeSnapshot } from './artime/artime-snapshot.ts';

/**
 * The product's anomaly detector: ARTime (adaptive resonance over wavelet features, Mark Hampton
 * 2021) run online, reproduced faithfully and used with its published configuration and NAB's
 * published threshold. The only number of ours is `rangeMargin`, chosen by leaving one NAB
 * category out at a time.
 */
export interface DetectorConfig {
  /**
   * Alert when the ARTime score reaches this: NAB's published threshold for ARTime (standard
   * profile), set by NAB for its whole corpus, not by us.
   */
  threshold: number;
  /**
   * Points the detector learns from before it judges: NAB's longest learning period (15 % of a
   * file, at most 750 rows). Nothing alerts before; on 5-minute buckets that is 2.6 days.
   */
  learningPoints: number;
  /**
   * ARTime scales values into a range. NAB hands every detector the whole file's minimum and
   * maximum up front, which a live series cannot know; online, the range is what the learning
   * points spanned, widened by this share of that span on each side, and later values are held
   * inside it. Chosen by leave-one-category-out on the development files.
   */
  rangeMargin: number;
  /**
   * ARTime's category store grows with every new pattern and the original never forgets; here
   * the category unused longest is forgotten past this many, which bounds a series' state (64
   * float32 categories: 8 KB, under 12 KB of JSON with the rest). Set by the memory budget at
   * 10,000 series, not by score.
   */
  maxCategories: number;
}

export const DEFAULT_DETECTOR: DetectorConfig = {
  threshold: 0.317486,
  learningPoints: 750,
  rangeMargin: 1,
  maxCategories: 64,
};

/**
 * Bumped whenever the meaning of a stored state changes: a state of another version is rebuilt by
 * replaying the kept statistics, never read.
 */
export const DETECTOR_STATE_VERSION = 6;

/** What the detector carries from one run to the next: plain JSON, the same after a save and a load. */
export interface DetectorState {
  v: number;
  /** Points judged so far. */
  n: number;
  /** The last point judged: a run feeds only the points after it. */
  lastTime: number;
  /** The values seen while learning (emptied once the detector is built from them). */
  learning: number[];
  /** The range the values are scaled into, once learned. */
  range?: [min: number, max: number];
  artime?: ArtimeSnapshot;
}

export interface Judgement {
  /** ARTime's anomaly score, 0 to 1 (0 while learning and between its downsampled points). */
  score: number;
  alert: boolean;
}

export const newDetectorState = (): DetectorState => ({ v: DETECTOR_STATE_VERSION, n: 0, lastTime: 0, learning: [] });

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A state read back from storage, when it is one this code wrote; anything else is to be rebuilt. */
export function readDetectorState(stored: unknown): DetectorState | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const s = stored as Partial<DetectorState>;
  if (s.v !== DETECTOR_STATE_VERSION || !finite(s.n) || !finite(s.lastTime)) return undefined;
  if (!Array.isArray(s.learning) || !s.learning.every(finite)) return undefined;
  if (s.range === undefined && s.artime === undefined) return { v: s.v, n: s.n, lastTime: s.lastTime, learning: [...s.learning] };
  if (!Array.isArray(s.range) || s.range.length !== 2 || !s.range.every(finite) || s.range[0] > s.range[1]) return undefined;
  const artime = readArtimeSnapshot(s.artime);
  return artime ? { v: s.v, n: s.n, lastTime: s.lastTime, learning: [], range: [s.range[0], s.range[1]], artime } : undefined;
}

/** The learned range: the learning values' span widened by `margin` of it each side (a flat start gets its own level's size). */
export function learnedRange(values: readonly number[], margin: number): [number, number] {
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  const span = max > min ? max - min : Math.abs(min) || 1;
  return [min - margin * span, max + margin * span];
}

/**
 * One series' detector, restored from its state for a run: `judge` each new value in time order,
 * then `state()` to keep. Values are judged as the 32-bit floats the kept statistics store, so a
 * replay and a resumed run see the same numbers.
 */
export class SeriesDetector {
  /** The state's counters and learning values; ARTime's own part lives in `artime` and is snapshotted on demand. */
  private readonly s: Omit<DetectorState, 'artime'>;
  private artime: Artime | undefined;

  constructor(
    state: DetectorState = newDetectorState(),
    private readonly config: DetectorConfig = DEFAULT_DETECTOR,
  ) {
    const { artime, ...rest } = state;
    this.s = { ...rest, learning: [...rest.learning], ...(rest.range ? { range: [...rest.range] } : {}) };
    this.artime = artime ? Artime.restore(artime) : undefined;
  }

  judge(time: number, rawValue: number): Judgement {
    const value = Math.fround(rawValue);
    this.s.n += 1;
    this.s.lastTime = time;
    let score = 0;
    if (this.artime && this.s.range) {
      const [min, max] = this.s.range;
      score = this.artime.score(Math.min(max, Math.max(min, value)));
    } else {
      this.s.learning.push(value);
      if (this.s.learning.length >= this.config.learningPoints) score = this.startFromLearning();
    }
    return { score, alert: score >= this.config.threshold };
  }

  /** The state to keep (a copy: this detector may judge on): exactly what a detector restored from it continues with. */
  state(): DetectorState {
    return {
      ...this.s,
      learning: [...this.s.learning],
      ...(this.s.range ? { range: [...this.s.range] } : {}),
      ...(this.artime ? { artime: this.artime.snapshot() } : {}),
    };
  }

  private startFromLearning(): number {
    const range = learnedRange(this.s.learning, this.config.rangeMargin);
    const artime = new Artime({
      minValue: range[0],
      maxValue: range[1],
      learningPoints: this.config.learningPoints,
      maxCategories: this.config.maxCategories,
      weightBits: 32,
    });
    let score = 0;
    for (const value of this.s.learning) score = artime.score(value);
    [this.artime, this.s.range, this.s.learning] = [artime, range, []];
    return score;
  }
}

/** A detector fed one point at a time (the CLI and NAB replay a file this way). */
export function createAnomalyDetector(config: DetectorConfig = DEFAULT_DETECTOR) {
  const detector = new SeriesDetector(newDetectorState(), config);
  return {
    update: (timestamp: number, value: number): Judgement => detector.judge(timestamp, value),
    state: () => detector.state(),
  };
}
