import { seededRandom } from './random.ts';

/**
 * Isolation forest (Liu, Ting & Zhou, 2008): anomalies are the points random axis-aligned cuts
 * isolate in few steps. A small, dependency-free implementation: the npm packages for it are
 * unmaintained, and determinism (a seeded PRNG) matters for reproducible alerts.
 */
type Node = { leaf: true; size: number } | { leaf: false; feature: number; split: number; left: Node; right: Node };

export interface IsolationForest {
  trees: Node[];
  sampleSize: number;
}

export interface ForestOptions {
  trees?: number;
  sampleSize?: number;
  seed?: number;
}

/** Average path length of an unsuccessful binary-search-tree lookup among n points: the normalizer c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

export function fitForest(samples: readonly number[][], options: ForestOptions = {}): IsolationForest {
  const random = seededRandom(options.seed ?? 1);
  const sampleSize = Math.min(options.sampleSize ?? 256, samples.length);
  const heightLimit = Math.ceil(Math.log2(Math.max(2, sampleSize)));
  const trees: Node[] = [];
  for (let t = 0; t < (options.trees ?? 100); t++) {
    const subsample: number[][] = [];
    for (let i = 0; i < sampleSize; i++) subsample.push(samples[Math.floor(random() * samples.length)]!);
    trees.push(grow(subsample, 0, heightLimit, random));
  }
  return { trees, sampleSize };
}

function grow(points: number[][], depth: number, limit: number, random: () => number): Node {
  return growRange(points, 0, points.length, depth, limit, random);
}

/**
 * Grows a tree over points[start, end), partitioning in place (no arrays per node). Children are
 * grown left then right, so the random draws, and so the tree, are the same as with filtering.
 */
function growRange(points: number[][], start: number, end: number, depth: number, limit: number, random: () => number): Node {
  const size = end - start;
  if (depth >= limit || size <= 1) return { leaf: true, size };
  const dims = points[start]!.length;
  // Pick a feature that actually varies here; a constant one cannot split.
  for (let attempt = 0; attempt < dims * 2; attempt++) {
    const feature = Math.floor(random() * dims);
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const v = points[i]![feature]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max <= min) continue;
    const split = min + random() * (max - min);
    let middle = start;
    for (let i = start; i < end; i++) {
      if (points[i]![feature]! < split) {
        const swap = points[middle]!;
        points[middle] = points[i]!;
        points[i] = swap;
        middle += 1;
      }
    }
    const left = growRange(points, start, middle, depth + 1, limit, random);
    const right = growRange(points, middle, end, depth + 1, limit, random);
    return { leaf: false, feature, split, left, right };
  }
  return { leaf: true, size };
}

function pathLength(node: Node, x: readonly number[], depth: number): number {
  let current = node;
  let d = depth;
  while (!current.leaf) {
    current = x[current.feature]! < current.split ? current.left : current.right;
    d += 1;
  }
  return d + averagePathLength(current.size);
}

/** Anomaly score in (0, 1): near 1 isolates quickly (anomalous), around 0.5 and below is ordinary. */
export function scoreForest(forest: IsolationForest, x: readonly number[]): number {
  let total = 0;
  for (const tree of forest.trees) total += pathLength(tree, x, 0);
  return 2 ** (-(total / forest.trees.length) / averagePathLength(forest.sampleSize));
}
