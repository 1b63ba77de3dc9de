import { ContextMemory, type FactPair } from './context-memory.ts';

/** The published configuration, as NAB runs CAD OSE. */
export const CAD_OSE_DEFAULTS = {
  baseThreshold: 0.75,
  maxLeftSemiContextLength: 7,
  maxActiveNeurons: 15,
  normValueBits: 3,
} as const;

/** Facts for active contexts ("neurons") are numbered apart from the value's bits. */
const NEURON_FACT_BASE = 2 ** 31;

export interface CadOseOptions {
  /** The value range the input is scaled into (NAB gives each detector the file's min and max). */
  minValue: number;
  maxValue: number;
  /** After a score reaches `baseThreshold`, scores are 0 for this many points. */
  restPeriod: number;
}

/**
 * The Contextual Anomaly Detector, open-source edition (Mikhail Smirnov, 2016), reimplemented
 * from its published description and NAB's Python: each value becomes a few bit facts; consecutive
 * inputs (and the contexts active for them) form contexts in an unbounded memory; a point's score
 * is half the share of expected contexts that failed to activate plus half the share of proposed
 * contexts that were new. It learns from the first point, with no parameters fitted to data.
 */
export class CadOse {
  private readonly memory = new ContextMemory(CAD_OSE_DEFAULTS.maxLeftSemiContextLength);
  private leftFacts: number[] = [];
  private readonly recentScores: number[] = [1];
  private readonly restPoints: number;
  private readonly valueStep: number;

  constructor(private readonly options: CadOseOptions) {
    const maxBin = 2 ** CAD_OSE_DEFAULTS.normValueBits - 1;
    const range = options.maxValue - options.minValue;
    this.valueStep = (range === 0 ? maxBin : range) / maxBin;
    // Python slices with a negative int: `history[-0:]` is the whole list, which this also keeps.
    this.restPoints = Math.trunc(options.restPeriod);
  }

  get contextCount(): number {
    return this.memory.contextCount;
  }

  /** The anomaly score of the next value, from 0 (expected) to 1. */
  score(value: number): number {
    const [activeShare, newShare] = this.step(this.factsOf(value));
    const current = (1 - activeShare + newShare) / 2;
    const window = this.restPoints > 0 ? this.recentScores.slice(-this.restPoints) : this.recentScores;
    const returned = Math.max(...window) < CAD_OSE_DEFAULTS.baseThreshold ? current : 0;
    this.recentScores.push(current);
    if (this.restPoints > 0 && this.recentScores.length > this.restPoints) this.recentScores.shift();
    return returned;
  }

  /** The value's bin in the range, as one fact per bit: bit i set is 2i + 1, clear is 2i. */
  private factsOf(value: number): number[] {
    const bin = Math.trunc((value - this.options.minValue) / this.valueStep);
    const bits = bin.toString(2).padStart(CAD_OSE_DEFAULTS.normValueBits, '0');
    return [...bits].reverse().map((bit, i) => i * 2 + (bit === '1' ? 1 : 0));
  }

  private step(input: readonly number[]): [activeShare: number, newShare: number] {
    const sensed = sortedUnique(input);
    const proposals = new Set<string>();
    let newContextMade = false;
    if (this.leftFacts.length > 0 && sensed.length > 0) {
      const zeroLevel: FactPair = [this.leftFacts, sensed];
      proposals.add(keyOf(zeroLevel));
      newContextMade = this.memory.addZeroLevel(zeroLevel);
    }
    const { active, selected, proposed } = this.memory.matchInput(sensed, newContextMade);
    for (const pair of proposed) proposals.add(keyOf(pair));
    const activeShare = selected > 0 ? active.length / selected : 0;
    // The most often activated contexts become facts of the next left side; ties by the hashes, as the original sorts.
    const neurons = active
      .sort((a, b) => a.activations - b.activations || compare(a.leftHash, b.leftHash) || compare(a.rightHash, b.rightHash))
      .slice(-CAD_OSE_DEFAULTS.maxActiveNeurons)
      .map((context) => NEURON_FACT_BASE + context.id);
    this.leftFacts = sortedUnique([...sensed, ...neurons]);
    const added = this.memory.rememberLeft(this.leftFacts, proposed) + (newContextMade ? 1 : 0);
    const newShare = newContextMade && proposals.size > 0 ? added / proposals.size : 0;
    return [activeShare, newShare];
  }
}

const sortedUnique = (facts: readonly number[]): number[] => [...new Set(facts)].sort((a, b) => a - b);
const keyOf = ([left, right]: FactPair): string => `${left.join(',')}|${right.join(',')}`;
const compare = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
