import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import type { AggregateQuery, MetricStore } from '../../src/ports.ts';
import { HOUR_MS, foldByHour, planRead } from '../../src/storage/rollup-plan.ts';
import { mapLimited, queryAll, writeAllItems } from './dynamodb-batch.ts';
import { compactSettled, readWatermark } from './dynamodb-compaction.ts';
import { seriesDirectory } from './dynamodb-directory.ts';
import { expiry, fromItem, minuteItem, pad, seriesId, toEncoded } from './dynamodb-items.ts';
import { batchManifests, MANIFEST_TTL_MS } from './dynamodb-manifests.ts';

export { seriesId } from './dynamodb-items.ts';

const DAY_MS = 86_400_000;
const READ_PARALLELISM = 16;

export interface DynamoStoreOptions {
  table: string;
  /** Hourly rollups and the series directory expire (TTL) this long after their window. */
  retentionDays: number;
  /**
   * Minute partials expire this long after their window (default 35 days: a month of minute detail
   * for the query API's 31-day ranges); older ranges are answered from the hourly rollups.
   * Storage is most of this store's bill, and minutes are 60 items an hour per series.
   */
  minuteRetentionDays?: number;
  clock?: () => number;
}

export interface DynamoMetricStore extends MetricStore {
  /**
   * Folds every final batch (no retry can rewrite it any more) into the hourly rollups, oldest
   * first, and moves the watermark reads rely on. Run by the scheduled analysis.
   */
  compactSettled(now: number, maxBatches?: number): Promise<{ batches: number; rollups: number; until: number }>;
}

/**
 * DynamoDB (on-demand) behind the MetricStore port, for accounts Timestream no longer admits.
 *
 * Item layout, one table (`pk`, `sk`, TTL attribute `x`):
 * - minute partial: `m#<metric>#<series>` / `<window>#<batch>`; a partition per series, so a
 *   series' range is one Query and dimension filters never scan;
 * - series directory: `d#<metric>#<day>` / `<series>` with the dimensions, so a read finds the
 *   series active on the days it covers and the core's filter picks among them;
 * - batch manifest: `b#<batch>` / `<write>#<chunk>`: which minute items the batch wrote (so a
 *   replay deletes what it no longer writes: a replayed batch replaces itself, exactly once) and
 *   the batch folded per series and hour;
 * - batch index `batches` / `<arrival>#<batch>`, hourly rollup `h#<metric>#<series>` / `<hour>`
 *   (the final batches' hour folds merged, with the batches they hold), and the compaction
 *   watermark. Reads of whole hours before the watermark's completeness bound take the rollups:
 *   a week is 168 items per series, not 10,080.
 * Series ids are a hash of the dimension set, 16 characters, to keep keys short.
 */
export function dynamoMetricStore(client: DynamoDBClient, options: DynamoStoreOptions): DynamoMetricStore {
  const table = options.table;
  const clock = options.clock ?? Date.now;
  const retentionMs = options.retentionDays * DAY_MS;
  const minuteRetentionMs = Math.min(options.minuteRetentionDays ?? 35, options.retentionDays) * DAY_MS;
  const directory = seriesDirectory(client, table, retentionMs);
  const { readManifest, manifestWrites, deleteManifestWrites } = batchManifests(client, table);

  const readRange = (pk: string, from: number, to: number) =>
    queryAll(client, table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: pad(from) }, ':to': { S: `${pad(to - 1)}~` } },
    });

  const read = async (q: AggregateQuery): Promise<Iterable<PartialAggregate>> => {
    const series = await directory.find(q.metric, q.from, q.to, q.filters);
    if (series.size === 0) return [];
    const minutesKeptFrom = clock() - minuteRetentionMs;
    const needsWatermark = (q.resolutionMs ?? 0) >= HOUR_MS || q.from < minutesKeptFrom;
    const segments = planRead(q.from, q.to, q.resolutionMs ?? 60_000, needsWatermark ? await readWatermark(client, table) : 0, minutesKeptFrom);
    const parts = await mapLimited([...series.entries()], READ_PARALLELISM, async ([id, dimensions]) => {
      const items: Record<string, AttributeValue>[] = [];
      for (const segment of segments) items.push(...(await readRange(`${segment.kind === 'hours' ? 'h' : 'm'}#${q.metric}#${id}`, segment.from, segment.to)));
      return { items, dimensions };
    });
    return decodedAsRead(q.metric, parts);
  };

  return {
    async replacePartials(batch, partials, batchTime) {
      const minuteItems = partials.map((p) => minuteItem(p, batch, expiry(p.windowStart + minuteRetentionMs)));
      const keys = minuteItems.map((item) => [item.pk!.S!, item.sk!.S!] as [string, string]);
      const hours = [...foldByHour(partials, (p) => seriesId(p.dimensions)).values()].map((p) => ({ series: seriesId(p.dimensions), ...toEncoded(p) }));
      const previous = await readManifest(batch);
      const writeId = pad(Math.max(clock(), ...previous.writes.map((w) => parseInt(w, 36) + 1)));
      const wanted = new Set(keys.map(([pk, sk]) => `${pk}\t${sk}`));
      const stale = (previous.manifest?.keys ?? []).filter(([pk, sk]) => !wanted.has(`${pk}\t${sk}`));
      // The manifest first, covering what an earlier attempt wrote too: a crash from here on
      // leaves a manifest the retry reads to delete whatever it no longer writes.
      await writeAllItems(client, table, manifestWrites(batch, writeId, { keys: [...keys, ...stale], hours, batchTime }, batchTime));
      await writeAllItems(client, table, [
        ...minuteItems.map((Item) => ({ PutRequest: { Item } })),
        ...directory.entriesFor(partials),
        { PutRequest: { Item: { pk: { S: 'batches' }, sk: { S: `${pad(batchTime)}#${batch}` }, x: { N: expiry(batchTime + MANIFEST_TTL_MS) } } } },
        ...stale.map(([pk, sk]) => ({ DeleteRequest: { Key: { pk: { S: pk }, sk: { S: sk } } } })),
      ]);
      if (stale.length > 0 || previous.writes.length > 0) {
        const finalId = pad(parseInt(writeId, 36) + 1);
        await writeAllItems(client, table, manifestWrites(batch, finalId, { keys, hours, batchTime }, batchTime));
        await deleteManifestWrites(batch, [...previous.writes, writeId]);
      }
    },

    readPartials: read,

    async readMetrics(metrics, from, to) {
      const parts = await mapLimited(metrics, 4, (metric) => read({ metric, from, to, filters: {} }));
      return (function* () {
        for (const part of parts) yield* part;
      })();
    },

    compactSettled: (now, maxBatches = 5_000) => compactSettled({ client, table, readManifest, retentionMs }, now, maxBatches),
  };
}

/**
 * The items as partials, each decoded only when the reader reaches it: an item holds its sketch
 * as compact bytes, and a decoded sketch is many times larger, so a day of series is held as
 * bytes and merged one sketch at a time.
 */
function* decodedAsRead(
  metric: string,
  parts: readonly { items: Record<string, AttributeValue>[]; dimensions: Record<string, string> }[],
): Generator<PartialAggregate> {
  for (const { items, dimensions } of parts) {
    for (const item of items) yield fromItem(item, metric, dimensions);
  }
}
