import { emptyPartial, mergeInto, type PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { MAX_AGE_MS, MAX_FUTURE_MS } from '@vitalstream/protocol';

export const HOUR_MS = 3_600_000;

/**
 * A batch is final (no retry can rewrite its identity) once the stream would no longer redeliver
 * it: the event source mapping gives records up after 6 h (MaximumRecordAgeInSeconds). An hour
 * more covers the retries' own time.
 */
export const BATCH_FINAL_AFTER_MS = 7 * HOUR_MS;

export type ReadSegment = { kind: 'minutes' | 'hours'; from: number; to: number };

/**
 * Which stored granularity answers which part of [from, to). Hours come from the compacted hourly
 * rollups, and only where every batch that can hold data for them has been compacted: a batch
 * holds events up to 24 h older than its arrival (the ingest's timestamp rule), so with every
 * batch that arrived before `compactedUntil` folded in, hours ending 24 h (and 5 min of client
 * clock) before it are complete. Everything else comes from minutes. A caller that merges into
 * points narrower than an hour reads minutes throughout.
 */
export function planRead(from: number, to: number, resolutionMs: number, compactedUntil: number, minutesKeptFrom = -Infinity): ReadSegment[] {
  // Minutes older than their retention are gone: hours answer there whatever the resolution.
  if (resolutionMs < HOUR_MS && from < minutesKeptFrom && compactedUntil > 0) {
    const boundary = Math.min(to, Math.floor(minutesKeptFrom / HOUR_MS) * HOUR_MS + HOUR_MS);
    return [...planRead(from, boundary, HOUR_MS, compactedUntil), ...(boundary < to ? planRead(boundary, to, resolutionMs, compactedUntil) : [])];
  }
  if (resolutionMs < HOUR_MS || compactedUntil <= 0) return [{ kind: 'minutes', from, to }];
  const completeBefore = Math.floor((compactedUntil - MAX_AGE_MS - MAX_FUTURE_MS) / HOUR_MS) * HOUR_MS;
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.min(Math.floor(to / HOUR_MS) * HOUR_MS, completeBefore);
  if (lastHour <= firstHour) return [{ kind: 'minutes', from, to }];
  const segments: ReadSegment[] = [];
  if (from < firstHour) segments.push({ kind: 'minutes', from, to: firstHour });
  segments.push({ kind: 'hours', from: firstHour, to: lastHour });
  if (lastHour < to) segments.push({ kind: 'minutes', from: lastHour, to });
  return segments;
}

/** One batch's partials folded per series and hour: what compaction adds to the hourly rollups. */
export function foldByHour(partials: readonly PartialAggregate[], seriesOf: (p: PartialAggregate) => string): Map<string, PartialAggregate> {
  const hours = new Map<string, PartialAggregate>();
  for (const partial of partials) {
    const hour = Math.floor(partial.windowStart / HOUR_MS) * HOUR_MS;
    const key = `${seriesOf(partial)}\u0000${hour}`;
    let merged = hours.get(key);
    if (!merged) hours.set(key, (merged = emptyPartial(partial.metric, hour, partial.dimensions)));
    mergeInto(merged, partial);
  }
  return hours;
}

/** The UTC days [from, to) touches, as epoch ms of their starts. */
export function daysOf(from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = Math.floor(from / 86_400_000) * 86_400_000; day < to; day += 86_400_000) days.push(day);
  return days;
}
