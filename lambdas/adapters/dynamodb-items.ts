import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { dimensionKey, type PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { decodeSketch, encodeSketch } from '@vitalstream/protocol/sketch';

/** How the DynamoDB metric store writes its items and reads them back (layout: dynamodb-store.ts). */

export interface EncodedPartial {
  metric: string;
  hour: number;
  dimensions: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
  ratings?: [number, number, number];
  sketch: string;
}

export interface Manifest {
  keys: [string, string][];
  hours: (EncodedPartial & { series: string })[];
  batchTime: number;
}

export const WATERMARK_KEY = { pk: { S: 'compaction' }, sk: { S: 'watermark' } };

/** Epoch ms as 9 base-36 digits: sorts as a string in time order until the year 5188. */
export const pad = (t: number): string => Math.max(0, Math.floor(t)).toString(36).padStart(9, '0');
export const expiry = (t: number): string => String(Math.floor(t / 1000));

export const dimensionJson = (dimensions: Readonly<Record<string, string>>): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.keys(dimensions)
        .sort()
        .map((k) => [k, dimensions[k]]),
    ),
  );

export const seriesId = (dimensions: Readonly<Record<string, string>>): string =>
  createHash('sha256').update(dimensionKey(dimensions)).digest('base64url').slice(0, 16);

/** A batch id (stream ARN, shard, sequence number: ~120 characters) as 12, for the rollups' lists of what they hold. */
export const shortBatchId = (batch: string): string => createHash('sha256').update(batch).digest('base64url').slice(0, 12);

export function dedupe(requests: WriteRequest[]): WriteRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const key = `${r.PutRequest!.Item!.pk!.S}\t${r.PutRequest!.Item!.sk!.S}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function minuteItem(p: PartialAggregate, batch: string, expiresAt: string): Record<string, AttributeValue> {
  return {
    pk: { S: `m#${p.metric}#${seriesId(p.dimensions)}` },
    sk: { S: `${pad(p.windowStart)}#${batch}` },
    ...measures(p),
    x: { N: expiresAt },
  };
}

export function measures(p: PartialAggregate): Record<string, AttributeValue> {
  return {
    c: { N: String(p.count) },
    s: { N: String(p.sum) },
    lo: { N: String(p.min) },
    hi: { N: String(p.max) },
    k: { B: encodeSketch(p.sketch) },
    ...(p.ratings ? { r: { S: `${p.ratings.good},${p.ratings.needsImprovement},${p.ratings.poor}` } } : {}),
  };
}

export function fromItem(item: Record<string, AttributeValue>, metric: string, dimensions: Record<string, string>): PartialAggregate {
  const partial: PartialAggregate = {
    metric,
    dimensions,
    windowStart: parseInt(item.sk!.S!.slice(0, 9), 36),
    count: Number(item.c!.N),
    sum: Number(item.s!.N),
    min: Number(item.lo!.N),
    max: Number(item.hi!.N),
    sketch: decodeSketch(item.k!.B!),
  };
  if (item.r?.S) {
    const [good, needsImprovement, poor] = item.r.S.split(',').map(Number) as [number, number, number];
    partial.ratings = { good, needsImprovement, poor };
  }
  return partial;
}

export function toEncoded(p: PartialAggregate): EncodedPartial {
  return {
    metric: p.metric,
    hour: p.windowStart,
    dimensions: { ...p.dimensions },
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    ...(p.ratings ? { ratings: [p.ratings.good, p.ratings.needsImprovement, p.ratings.poor] as [number, number, number] } : {}),
    sketch: Buffer.from(encodeSketch(p.sketch)).toString('base64'),
  };
}

export function fromEncoded(e: EncodedPartial): PartialAggregate {
  return {
    metric: e.metric,
    windowStart: e.hour,
    dimensions: e.dimensions,
    count: e.count,
    sum: e.sum,
    min: e.min,
    max: e.max,
    sketch: decodeSketch(Buffer.from(e.sketch, 'base64')),
    ...(e.ratings ? { ratings: { good: e.ratings[0], needsImprovement: e.ratings[1], poor: e.ratings[2] } } : {}),
  };
}
