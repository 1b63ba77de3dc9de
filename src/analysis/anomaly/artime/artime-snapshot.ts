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
  const { minValue, maxValue, learningPoints, maxCategories, weightBits } = stored.options;
  if (!finite(minValue) || !finite(maxValue) || !finite(learningPoints) || learningPoints < 2 || learningPoints > 1e6) return undefined;
  if (maxCategories !== undefined && (!finite(maxCategories) || maxCategories < 1)) return undefined;
  if (weightBits !== undefined && weightBits !== 32 && weightBits !== 64) return undefined;
  const fresh = new Artime({
    minValue,
    maxValue,
    learningPoints,
    ...(maxCategories === undefined ? {} : { maxCategories }),
    ...(weightBits === undefined ? {} : { weightBits }),
  }).snapshot();
  const s = stored as unknown as ArtimeSnapshot;
  const sameLength = (key: 'blockWindow' | 'levelCounts' | 'featureWindow') => finiteList(s[key], fresh[key].length);
  if (!finiteList(s.counters, fresh.counters.length) || !finite(s.movingAverage) || !finite(s.lastAnomalySimilarity)) return undefined;
  if (typeof s.maskAfterCategory !== 'boolean') return undefined;
  if (!(['blockWindow', 'levelCounts', 'featureWindow'] as const).every(sameLength)) return undefined;
  if (typeof s.simWindow !== 'string' || typeof s.simDiffWindow !== 'string') return undefined;
  if (!Array.isArray(s.learningFeatures) || !s.learningFeatures.every((f) => finiteList(f, 2 * fresh.featureWindow.length))) return undefined;
  if (!isObject(s.anomalies) || ![s.anomalies.count, s.anomalies.sumBeforeNewest, s.anomalies.newest].every(finite)) return undefined;
  if (!isObject(s.upperMean) || !finite(s.upperMean.n) || !finite(s.upperMean.mean)) return undefined;
  const art = s.art as unknown;
  if (!isObject(art) || typeof art.weights !== 'string' || !finiteList(art.labels) || !finiteList(art.lastUsed, art.labels.length)) return undefined;
  if (!finite(art.inputs) || !finite(art.clusters) || !finiteList(art.rho, 2) || !finiteList(art.last, 2)) return undefined;
  try {
    // Restoring decodes the weights, which checks they are whole categories, one per label, and the
    // similarity windows, which checks their lengths; the
    // stored snapshot itself is kept (a copy of every series' state would double a load's memory).
    Artime.restore(s);
    return s;
  } catch {
    return undefined;
  }
}
