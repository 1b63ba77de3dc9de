import { MAX_OCCURRENCES, MAX_VALUE_MAGNITUDE, type MetricSource } from '../registry/metric-definition.ts';

/**
 * What the ingest handler puts on the stream: one record per beacon, already validated and
 * normalized, so the aggregator never sees raw client input.
 */
export interface StreamRecord {
  readonly v: 1;
  readonly beaconId: string;
  readonly receivedAt: number;
  /** Dimensions shared by every metric of the beacon (app, page, device). */
  readonly common: Readonly<Record<string, string>>;
  readonly metrics: readonly StreamMetric[];
}

export interface StreamMetric {
  readonly name: string;
  readonly value: number;
  /** Occurrences of this value (clients that pre-aggregate); absent means 1. */
  readonly count?: number;
  readonly timestamp: number;
  readonly source: MetricSource;
  /** Only the tags that are stored dimensions. */
  readonly dimensions: Readonly<Record<string, string>>;
}

export function encodeStreamRecord(record: StreamRecord): Uint8Array {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

/** Decodes and checks a record; a record that fails is poison and must go to the dead-letter queue, not crash the batch. */
export function decodeStreamRecord(bytes: Uint8Array): StreamRecord {
  const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  if (!isRecord(parsed)) throw new Error('stream record does not have the v1 shape');
  return parsed;
}

function isRecord(value: unknown): value is StreamRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<StreamRecord>;
  return (
    record.v === 1 &&
    typeof record.beaconId === 'string' &&
    typeof record.receivedAt === 'number' &&
    isStringMap(record.common) &&
    Array.isArray(record.metrics) &&
    record.metrics.every(isMetric)
  );
}

function isMetric(value: unknown): value is StreamMetric {
  if (typeof value !== 'object' || value === null) return false;
  const metric = value as Partial<StreamMetric>;
  return (
    typeof metric.name === 'string' &&
    // The ingest bounds again: a record written before they existed must not reach a sum.
    typeof metric.value === 'number' &&
    Math.abs(metric.value) <= MAX_VALUE_MAGNITUDE &&
    (metric.count === undefined || (Number.isInteger(metric.count) && metric.count >= 1 && metric.count <= MAX_OCCURRENCES)) &&
    typeof metric.timestamp === 'number' &&
    Number.isFinite(metric.timestamp) &&
    typeof metric.source === 'string' &&
    isStringMap(metric.dimensions)
  );
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
