import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import type { AggregateQuery, MetricStore } from '../../src/ports.ts';
import { matchesFilters } from '../../src/query/filters.ts';
import { BATCH_FINAL_AFTER_MS, HOUR_MS, daysOf, foldByHour, planRead } from '../../src/storage/rollup-plan.ts';
import { mapLimited, writeAllItems } from './dynamodb-batch.ts';
import { WATERMARK_KEY, dedupe, dimensionJson, expiry, fromEncoded, fromItem, minuteItem, pad, seriesId, toEncoded } from './dynamodb-items.ts';
import { batchManifests, MANIFEST_TTL_MS } from './dynamodb-manifests.ts';
import { mergeIntoRollup } from './dynamodb-rollups.ts';

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
  const directoryWritten = new Set<string>();

  const { query, readManifest, manifestWrites, deleteManifestWrites } = batchManifests(client, table);

  const watermark = async (): Promise<number> => {
    const answer = await client.send(new GetItemCommand({ TableName: table, Key: WATERMARK_KEY, ConsistentRead: true }));
    return Number(answer.Item?.until?.N ?? 0);
  };

  const seriesOf = async (metric: string, from: number, to: number, filters: Readonly<Record<string, string>>) => {
    const found = new Map<string, Record<string, string>>();
    await mapLimited(daysOf(from, to), READ_PARALLELISM, async (day) => {
      for (const item of await query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `d#${metric}#${pad(day)}` } } })) {
        const dimensions = JSON.parse(item.dims!.S!) as Record<string, string>;
        if (matchesFilters(dimensions, filters)) found.set(item.sk!.S!, dimensions);
      }
    });
    return found;
  };

  const readRange = (pk: string, from: number, to: number) =>
    query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: pad(from) }, ':to': { S: `${pad(to - 1)}~` } },
    });

  const read = async (q: AggregateQuery): Promise<Iterable<PartialAggregate>> => {
    const series = await seriesOf(q.metric, q.from, q.to, q.filters);
    if (series.size === 0) return [];
    const minutesKeptFrom = clock() - minuteRetentionMs;
    const segments = planRead(
      q.from,
      q.to,
      q.resolutionMs ?? 60_000,
      (q.resolutionMs ?? 0) >= HOUR_MS || q.from < minutesKeptFrom ? await watermark() : 0,
      minutesKeptFrom,
    );
    const parts = await mapLimited([...series.entries()], READ_PARALLELISM, async ([id, dimensions]) => {
      const items: Record<string, AttributeValue>[] = [];
      for (const segment of segments) items.push(...(await readRange(`${segment.kind === 'hours' ? 'h' : 'm'}#${q.metric}#${id}`, segment.from, segment.to)));
      return { items, dimensions };
    });
    return decodedAsRead(q.metric, parts);
  };

  return {
    async replacePartials(batch, partials, batchTime) {
      const now = clock();
      const minuteItems = partials.map((p) => minuteItem(p, batch, expiry(p.windowStart + minuteRetentionMs)));
      const keys = minuteItems.map((item) => [item.pk!.S!, item.sk!.S!] as [string, string]);
      const hours = [...foldByHour(partials, (p) => seriesId(p.dimensions)).values()].map((p) => ({ series: seriesId(p.dimensions), ...toEncoded(p) }));
      const previous = await readManifest(batch);
      const writeId = pad(Math.max(now, ...previous.writes.map((w) => parseInt(w, 36) + 1)));
      const wanted = new Set(keys.map(([pk, sk]) => `${pk}\t${sk}`));
      const stale = (previous.manifest?.keys ?? []).filter(([pk, sk]) => !wanted.has(`${pk}\t${sk}`));
      // The manifest first, covering what an earlier attempt wrote too: a crash from here on
      // leaves a manifest the retry reads to delete whatever it no longer writes.
      await writeAllItems(client, table, manifestWrites(batch, writeId, { keys: [...keys, ...stale], hours, batchTime }, batchTime));
      const directory = partials.flatMap((p) => {
        const id = seriesId(p.dimensions);
        const day = Math.floor(p.windowStart / DAY_MS) * DAY_MS;
        const cacheKey = `${p.metric}#${day}#${id}`;
        if (directoryWritten.has(cacheKey)) return [];
        directoryWritten.add(cacheKey);
        return [
          {
            PutRequest: {
              Item: {
                pk: { S: `d#${p.metric}#${pad(day)}` },
                sk: { S: id },
                dims: { S: dimensionJson(p.dimensions) },
                x: { N: expiry(day + DAY_MS + retentionMs) },
              },
            },
          },
        ];
      });
      if (directoryWritten.size > 200_000) directoryWritten.clear();
      await writeAllItems(client, table, [
        ...minuteItems.map((Item) => ({ PutRequest: { Item } })),
        ...dedupe(directory),
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

    async compactSettled(now, maxBatches = 5_000) {
      const since = await watermark();
      const finalBefore = now - BATCH_FINAL_AFTER_MS;
      if (finalBefore <= since) return { batches: 0, rollups: 0, until: since };
      const index = (
        await query({
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': { S: 'batches' }, ':from': { S: pad(since) }, ':to': { S: pad(finalBefore) } },
          ConsistentRead: true,
        })
      ).slice(0, maxBatches);
      const contributions = new Map<string, { metric: string; series: string; hour: number; batches: string[]; partials: PartialAggregate[] }>();
      for (const entry of index) {
        const batch = entry.sk!.S!.slice(10);
        const { manifest } = await readManifest(batch);
        for (const hour of manifest?.hours ?? []) {
          const key = `${hour.metric}#${hour.series}#${hour.hour}`;
          const slot = contributions.get(key) ?? { metric: hour.metric, series: hour.series, hour: hour.hour, batches: [], partials: [] };
          slot.batches.push(batch);
          slot.partials.push(fromEncoded(hour));
          contributions.set(key, slot);
        }
      }
      await mapLimited([...contributions.values()], 8, (slot) => mergeIntoRollup(client, table, slot, expiry(slot.hour + HOUR_MS + retentionMs)));
      // All of [since, until) is folded in; a batch arriving exactly at `until` comes next time.
      const until = index.length === maxBatches ? parseInt(index.at(-1)!.sk!.S!.slice(0, 9), 36) : finalBefore;
      await client.send(new PutItemCommand({ TableName: table, Item: { ...WATERMARK_KEY, until: { N: String(until) } } }));
      return { batches: index.length, rollups: contributions.size, until };
    },
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
