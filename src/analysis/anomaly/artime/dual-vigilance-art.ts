import { decodeFloats, encodeFloats, type FloatBits } from './float-base64.ts';

/**
 * Dual-vigilance fuzzy ART (adaptive resonance), as ARTime uses it: each category is a box in the
 * complement-coded feature space; an input resonates with a category when its match clears the
 * upper vigilance (the category learns it), joins the cluster of one that clears only the lower
 * vigilance (as a new category), and otherwise founds a new cluster. A feature-and-energy match
 * replaces the usual choice function: match = (|x ∧ w| / |w|)³ · energy², the energy being the
 * match on the newest value and its complement alone.
 */
/** Category weights: float64 as published, or float32 where a state is stored for each of many series. */
type Weights = Float64Array | Float32Array;

export class DualVigilanceArt {
  /** Category weights, complement-coded (2 × dim each). */
  weights: Weights[] = [];
  private labels: number[] = [];
  /** The input count at which each category last resonated or was founded. */
  private lastUsed: number[] = [];
  private inputs = 0;
  private clusters = 0;
  rhoLower = 0;
  rhoUpper = 0;
  /** The best match of the latest input, and its energy match. */
  lastMatch = 0;
  lastEnergy = 0;

  /**
   * `maxCategories` bounds the store: past it, the category unused longest is forgotten. The
   * original has no bound (a long noisy series keeps founding categories); unbounded by default.
   * `bits` 32 keeps weights as float32: half the stored state, and every input is rounded the same
   * way whether the ART runs on or is restored, so a restored one continues exactly.
   */
  constructor(
    private readonly dim: number,
    private readonly maxCategories = Infinity,
    private readonly bits: FloatBits = 64,
  ) {}

  private newWeights(): Weights {
    return this.bits === 32 ? new Float32Array(2 * this.dim) : new Float64Array(2 * this.dim);
  }

  /** Everything the ART carries, as plain JSON; `restore` makes an identical one. */
  snapshot(): DualVigilanceArtSnapshot {
    return {
      weights: encodeWeights(this.weights, this.bits),
      labels: [...this.labels],
      lastUsed: [...this.lastUsed],
      inputs: this.inputs,
      clusters: this.clusters,
      rho: [this.rhoLower, this.rhoUpper],
      last: [this.lastMatch, this.lastEnergy],
    };
  }

  static restore(dim: number, maxCategories: number, bits: FloatBits, s: DualVigilanceArtSnapshot): DualVigilanceArt {
    const art = new DualVigilanceArt(dim, maxCategories, bits);
    art.weights = decodeWeights(s.weights, 2 * dim, bits);
    if (art.weights.length !== s.labels.length) throw new Error(`an ART state holds ${art.weights.length} categories but ${s.labels.length} labels`);
    [art.labels, art.lastUsed, art.inputs, art.clusters] = [[...s.labels], [...s.lastUsed], s.inputs, s.clusters];
    [art.rhoLower, art.rhoUpper] = s.rho;
    [art.lastMatch, art.lastEnergy] = s.last;
    return art;
  }

  get categoryCount(): number {
    return this.weights.length;
  }

  /**
   * Presents one input; returns its cluster, or -1 when it founded a new one. The very first
   * input only sets up an all-ones category, as the original does (its match is 0). Without
   * `learning` nothing is stored and the result is -1.
   */
  train(features: readonly number[], learning = true): number {
    this.inputs += 1;
    const input = this.newWeights();
    features.forEach((f, i) => {
      input[i] = f;
      input[this.dim + i] = 1 - f;
    });
    if (this.weights.length === 0) {
      this.weights.push(this.newWeights().fill(1));
      this.labels.push(1);
      this.lastUsed.push(this.inputs);
      this.clusters = 1;
      [this.lastMatch, this.lastEnergy] = [0, 0];
      return 1;
    }
    const matches = this.weights.map((w) => this.match(input, w));
    // Best first; equal matches keep their category order (a stable sort). An undefined match (a
    // category with no energy left) sorts above every number, as the original's ordering puts it.
    const key = (j: number) => (Number.isNaN(matches[j]!.match) ? Infinity : matches[j]!.match);
    const order = matches.map((_, j) => j).sort((a, b) => key(b) - key(a) || a - b);
    let [best, bestEnergy] = [0, 0];
    let label = -1;
    let mismatch = true;
    for (const j of order) {
      const { match, energy, meet } = matches[j]!;
      if (match > best) [best, bestEnergy] = [match, energy];
      if (!learning) continue;
      if (match >= this.rhoUpper) {
        this.weights[j] = meet;
        this.lastUsed[j] = this.inputs;
        if (match >= best) label = this.labels[j]!;
        mismatch = false;
      } else if (match >= this.rhoLower && mismatch) {
        if (match >= best) label = this.labels[j]!;
        this.found(input, label);
        mismatch = false;
        break;
      } else {
        break;
      }
    }
    [this.lastMatch, this.lastEnergy] = [best, bestEnergy];
    if (mismatch && learning) {
      label = -1;
      this.clusters += 1;
      this.found(input, this.clusters);
    }
    return label;
  }

  private found(weight: Weights, label: number): void {
    this.weights.push(weight);
    this.labels.push(label);
    this.lastUsed.push(this.inputs);
    if (this.weights.length <= this.maxCategories) return;
    let oldest = 0;
    for (let j = 1; j < this.lastUsed.length; j++) if (this.lastUsed[j]! < this.lastUsed[oldest]!) oldest = j;
    for (const list of [this.weights, this.labels, this.lastUsed] as unknown[][]) list.splice(oldest, 1);
  }

  private match(input: Weights, weight: Weights): { match: number; energy: number; meet: Weights } {
    const meet = this.newWeights();
    let [meetNorm, weightNorm] = [0, 0];
    for (let i = 0; i < input.length; i++) {
      meet[i] = Math.min(input[i]!, weight[i]!);
      meetNorm += Math.abs(meet[i]!);
      weightNorm += Math.abs(weight[i]!);
    }
    const newest = this.dim - 1;
    const last = input.length - 1;
    const energy = (Math.abs(meet[newest]!) + Math.abs(meet[last]!)) / (Math.abs(weight[newest]!) + Math.abs(weight[last]!));
    const feature = meetNorm / (weightNorm === 0 ? 0.001 : weightNorm);
    // Products, not pow: the original's literal powers multiply, and pow can differ in the last bit.
    return { match: feature * feature * feature * (energy * energy), energy, meet };
  }
}

export interface DualVigilanceArtSnapshot {
  /** Every category's weights, one after another: little-endian floats (of the ART's `bits`) in one base64 string, exact and a third of their JSON size. */
  weights: string;
  labels: number[];
  lastUsed: number[];
  inputs: number;
  clusters: number;
  rho: [lower: number, upper: number];
  last: [match: number, energy: number];
}

function encodeWeights(weights: readonly Weights[], bits: FloatBits): string {
  return encodeFloats(
    weights.flatMap((w) => [...w]),
    bits,
  );
}

function decodeWeights(base64: string, length: number, bits: FloatBits): Weights[] {
  const all = decodeFloats(base64, bits);
  if (all.length % length !== 0) throw new Error(`ART weights of ${all.length} floats are not whole categories of ${length}`);
  return Array.from({ length: all.length / length }, (_, j) => all.slice(j * length, (j + 1) * length));
}
