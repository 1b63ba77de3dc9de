import { Artime, type ArtimeSnapshot } from './artime.ts';

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const finiteList = (x: unknown, length?: number): x is number[] => Array.isArray(x) && (length === undefined || x.length === length) && x.every(finite);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A stored ARTime snapshot, when it has the shape a detector with its options would have;
 * anything else (damaged, or written by other code) is undefined, so the caller rebuilds.
 */
export function readArtimeSnapshot(stored: unknown): ArtimeSnapshot | undefined {
  if (!isObject(stored) || !isObject(stored.options)) return undefined;
  const { minValue, maxValue, learningPoints, maxCategories } = stored.options;
  if (!finite(minValue) || !finite(maxValue) || !finite(learningPoints) || learningPoints < 2 || learningPoints > 1e6) return undefined;
  if (maxCategories !== undefined && (!finite(maxCategories) || maxCategories < 1)) return undefined;
  const fresh = new Artime({ minValue, maxValue, learningPoints, ...(maxCategories === undefined ? {} : { maxCategories }) }).snapshot();
  const s = stored as unknown as ArtimeSnapshot;
  const sameLength = (key: 'blockWindow' | 'levelCounts' | 'featureWindow' | 'simWindow' | 'simDiffWindow') => finiteList(s[key], fresh[key].length);
  if (!finiteList(s.counters, fresh.counters.length) || !finite(s.movingAverage) || !finite(s.lastAnomalySimilarity)) return undefined;
  if (typeof s.maskAfterCategory !== 'boolean') return undefined;
  if (!(['blockWindow', 'levelCounts', 'featureWindow', 'simWindow', 'simDiffWindow'] as const).every(sameLength)) return undefined;
  if (!Array.isArray(s.learningFeatures) || !s.learningFeatures.every((f) => finiteList(f, 2 * fresh.featureWindow.length))) return undefined;
  if (!isObject(s.anomalies) || ![s.anomalies.count, s.anomalies.sumBeforeNewest, s.anomalies.newest].every(finite)) return undefined;
  if (!isObject(s.upperMean) || !finite(s.upperMean.n) || !finite(s.upperMean.mean)) return undefined;
  const art = s.art as unknown;
  if (!isObject(art) || !Array.isArray(art.weights) || !art.weights.every((w) => typeof w === 'string')) return undefined;
  if (!finiteList(art.labels, art.weights.length) || !finiteList(art.lastUsed, art.weights.length)) return undefined;
  if (!finite(art.inputs) || !finite(art.clusters) || !finiteList(art.rho, 2) || !finiteList(art.last, 2)) return undefined;
  try {
    // Restoring decodes every category's weights, which checks their length.
    return Artime.restore(s).snapshot();
  } catch {
    return undefined;
  }
}
