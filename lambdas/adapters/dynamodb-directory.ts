import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { PartialAggregate } from '../../src/aggregation/partial-aggregate.ts';
import { matchesFilters } from '../../src/query/filters.ts';
import { daysOf } from '../../src/storage/rollup-plan.ts';
import { mapLimited, queryAll } from './dynamodb-batch.ts';
import { dedupe, dimensionJson, expiry, pad, seriesId } from './dynamodb-items.ts';

const DAY_MS = 86_400_000;
const READ_PARALLELISM = 16;
/** Directory entries this process remembers having written; past it, it forgets them all and writes again. */
const REMEMBERED_ENTRIES = 200_000;

/**
 * The series directory (`d#<metric>#<day>` / `<series>`, with the dimensions): which series were
 * active on a day, so a read queries only those series' partitions and dimension filters never
 * scan. Each entry is written once per process, not once per partial.
 */
export function seriesDirectory(client: DynamoDBClient, table: string, retentionMs: number) {
  const written = new Set<string>();
  return {
    /** The series of `metric` active between `from` and `to` whose dimensions match `filters`, by series id. */
    async find(metric: string, from: number, to: number, filters: Readonly<Record<string, string>>): Promise<Map<string, Record<string, string>>> {
      const found = new Map<string, Record<string, string>>();
      await mapLimited(daysOf(from, to), READ_PARALLELISM, async (day) => {
        const items = await queryAll(client, table, {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `d#${metric}#${pad(day)}` } },
        });
        for (const item of items) {
          const dimensions = JSON.parse(item.dims!.S!) as Record<string, string>;
          if (matchesFilters(dimensions, filters)) found.set(item.sk!.S!, dimensions);
        }
      });
      return found;
    },

    /** The entries these partials need that this process has not written yet. */
    entriesFor(partials: readonly PartialAggregate[]): WriteRequest[] {
      const entries = partials.flatMap((p) => {
        const id = seriesId(p.dimensions);
        const day = Math.floor(p.windowStart / DAY_MS) * DAY_MS;
        const cacheKey = `${p.metric}#${day}#${id}`;
        if (written.has(cacheKey)) return [];
        written.add(cacheKey);
        const Item = {
          pk: { S: `d#${p.metric}#${pad(day)}` },
          sk: { S: id },
          dims: { S: dimensionJson(p.dimensions) },
          x: { N: expiry(day + DAY_MS + retentionMs) },
        };
        return [{ PutRequest: { Item } }];
      });
      if (written.size > REMEMBERED_ENTRIES) written.clear();
      return dedupe(entries);
    },
  };
}
