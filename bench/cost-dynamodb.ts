import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAggregateHandler } from '../lambdas/aggregate.ts';
import { dynamoMetricStore } from '../lambdas/adapters/dynamodb-store.ts';
import { toKinesisEvent } from './support/kinesis-events.ts';
import { localContext } from './support/lambda-context.ts';
import { ALERT_METRICS } from '../src/alerts/evaluate.ts';
import type { LoggedRecord } from '../local/adapters/sqlite-stream.ts';
import { createStoreTable, startDynalite } from './support/dynalite.ts';

/** Request units one operation consumed, as DynamoDB bills them (on-demand). */
export interface Units {
  writeUnits: number;
  readUnits: number;
  calls: number;
}

const attributeBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-/, '').replace('.', '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  return Buffer.byteLength(JSON.stringify(value));
};
/** An item's size as DynamoDB counts it: attribute names plus values. */
export const itemBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((n, [name, value]) => n + Buffer.byteLength(name) + attributeBytes(value), 0);

/**
 * Counts what every call through `client` costs: a write unit per started KiB of each item put
 * (a delete: one unit), and half a read unit per started 4 KiB of what a read returns (eventually
 * consistent; consistent reads cost a whole unit).
 */
export function meter(client: DynamoDBClient): { take(): Units } {
  let units: Units = { writeUnits: 0, readUnits: 0, calls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as Record<string, unknown>;
      const output = result.output as unknown as Record<string, unknown>;
      units.calls += 1;
      switch (context.commandName) {
        case 'BatchWriteItemCommand': {
          const requests = Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, AttributeValue> } }[]>).flat();
          const unprocessed = Object.values((output.UnprocessedItems ?? {}) as Record<string, unknown[]>).flat().length;
          units.writeUnits += requests.reduce((n, r) => n + (r.PutRequest ? Math.ceil(itemBytes(r.PutRequest.Item) / 1024) : 1), 0) - unprocessed;
          break;
        }
        case 'PutItemCommand':
          units.writeUnits += Math.ceil(itemBytes(input.Item as Record<string, AttributeValue>) / 1024);
          break;
        case 'QueryCommand':
        case 'GetItemCommand': {
          const items = (output.Items as Record<string, AttributeValue>[] | undefined) ?? (output.Item ? [output.Item as Record<string, AttributeValue>] : []);
          const bytes = items.reduce((n, item) => n + itemBytes(item), 0);
          units.readUnits += Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead ? 1 : 0.5);
          break;
        }
        default:
          break;
      }
      return result;
    },
    { step: 'initialize', name: 'costMeter' },
  );
  return {
    take: () => {
      const taken = units;
      units = { writeUnits: 0, readUnits: 0, calls: 0 };
      return taken;
    },
  };
}

export interface DynamoMeasurement {
  /** Per batch of the aggregate handler. */
  perBatch: Units & { items: number };
  /** One regular analyze read (the last half hour of the alerting metrics). */
  perAnalyzeRun: Units;
  /** One refresh of the dashboard's 24 h view: the vitals cards, the request chart and heatmap, the query bars. */
  perDashboardRefresh: Units;
  /** Compaction of every batch of the sample, per batch. */
  compactionPerBatch: Units;
  /** Bytes stored per batch: minute items, and the hourly rollups compaction leaves. */
  minuteBytesPerBatch: number;
  rollupBytesPerBatch: number;
  cpuMsPerBatch: number;
}

/** Runs the real aggregate handler over the sample's records into the real DynamoDB adapter on dynalite, metering each call. */
export async function measureDynamo(records: LoggedRecord[][], now: number): Promise<DynamoMeasurement> {
  const dynalite = await startDynalite();
  try {
    await createStoreTable(dynalite.client, 'aggregates');
    const metered = meter(dynalite.client);
    const store = dynamoMetricStore(dynalite.client, { table: 'aggregates', retentionDays: 400 });
    const aggregate = createAggregateHandler({ store });
    let cpuMs = 0;
    let stored = 0;
    let items = 0;
    const rollups = new Map<string, number>();
    dynalite.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') {
          const item = (args.input as { Item: Record<string, AttributeValue> }).Item;
          if (item.pk?.S?.startsWith('h#')) rollups.set(`${item.pk.S}\t${item.sk!.S}`, itemBytes(item) + 100);
        }
        if (context.commandName === 'BatchWriteItemCommand') {
          for (const r of Object.values(
            (args.input as { RequestItems: Record<string, { PutRequest?: { Item: Record<string, AttributeValue> } }[]> }).RequestItems,
          ).flat()) {
            if (r.PutRequest?.Item.pk?.S?.startsWith('m#')) {
              stored += itemBytes(r.PutRequest.Item) + 100; // + DynamoDB's per-item overhead
              items += 1;
            }
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'storedBytes' },
    );
    for (const batch of records) {
      const start = performance.now();
      await aggregate(toKinesisEvent(batch), localContext('aggregate'));
      cpuMs += performance.now() - start;
    }
    const writes = metered.take();
    await store.readMetrics(ALERT_METRICS, now - 30 * 60_000, now);
    const read = metered.take();
    const day = { from: now - 86_400_000, to: now, filters: {} };
    for (const metric of ['web_vitals_lcp', 'web_vitals_inp', 'web_vitals_cls', 'web_vitals_fcp', 'web_vitals_ttfb', 'database_query']) {
      await store.readPartials({ metric, ...day, resolutionMs: Infinity });
    }
    for (let i = 0; i < 3; i++) await store.readPartials({ metric: 'api_request', ...day, resolutionMs: 900_000 });
    const dashboard = metered.take();
    await store.compactSettled(now + 8 * 3_600_000);
    const compaction = metered.take();
    const per = (u: Units) => ({ writeUnits: u.writeUnits / records.length, readUnits: u.readUnits / records.length, calls: u.calls / records.length });
    return {
      perBatch: { ...per(writes), items: items / records.length },
      perAnalyzeRun: read,
      perDashboardRefresh: dashboard,
      compactionPerBatch: per(compaction),
      minuteBytesPerBatch: stored / records.length,
      rollupBytesPerBatch: [...rollups.values()].reduce((a, b) => a + b, 0) / records.length,
      cpuMsPerBatch: cpuMs / records.length,
    };
  } finally {
    await dynalite.close();
  }
}
