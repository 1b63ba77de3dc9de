/**
 * Dual-vigilance fuzzy ART (adaptive resonance), as ARTime uses it: each category is a box in the
 * complement-coded feature space; an input resonates with a category when its match clears the
 * upper vigilance (the category learns it), joins the cluster of one that clears only the lower
 * vigilance (as a new category), and otherwise founds a new cluster. A feature-and-energy match
 * replaces the usual choice function: match = (|x ∧ w| / |w|)³ · energy², the energy being the
 * match on the newest value and its complement alone.
 */
export class DualVigilanceArt {
  /** Category weights, complement-coded (2 × dim each). */
  readonly weights: Float64Array[] = [];
  private readonly labels: number[] = [];
  private clusters = 0;
  rhoLower = 0;
  rhoUpper = 0;
  /** The best match of the latest input, and its energy match. */
  lastMatch = 0;
  lastEnergy = 0;

  constructor(private readonly dim: number) {}

  get categoryCount(): number {
    return this.weights.length;
  }

  /**
   * Presents one input; returns its cluster, or -1 when it founded a new one. The very first
   * input only sets up an all-ones category, as the original does (its match is 0). Without
   * `learning` nothing is stored and the result is -1.
   */
  train(features: readonly number[], learning = true): number {
    const input = new Float64Array(2 * this.dim);
    features.forEach((f, i) => {
      input[i] = f;
      input[this.dim + i] = 1 - f;
    });
    if (this.weights.length === 0) {
      this.weights.push(new Float64Array(2 * this.dim).fill(1));
      this.labels.push(1);
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
        if (match >= best) label = this.labels[j]!;
        mismatch = false;
      } else if (match >= this.rhoLower && mismatch) {
        if (match >= best) label = this.labels[j]!;
        this.labels.push(label);
        this.weights.push(input);
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
      this.labels.push(this.clusters);
      this.weights.push(input);
    }
    return label;
  }

  private match(input: Float64Array, weight: Float64Array): { match: number; energy: number; meet: Float64Array } {
    const meet = new Float64Array(input.length);
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
