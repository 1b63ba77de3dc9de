import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisStream } from '../../lambdas/adapters/kinesis-stream.ts';
import { validateBeacon } from '../../src/beacon/validate-beacon.ts';
import { encodeStreamRecord } from '../../src/stream/record.ts';
import type { Transport } from './types.ts';

/**
 * For services inside the AWS account: skip the HTTP API and put records straight on the stream,
 * validated and normalized by the same code the ingest handler runs (so nothing unchecked reaches
 * the aggregator). Answers 202/400/503 like the beacon endpoint would.
 */
export function kinesisTransport(client: KinesisClient, streamArn: string): Transport {
  const stream = kinesisStream(client, { streamArn });
  return async (body) => {
    const beaconId = crypto.randomUUID();
    const validated = validateBeacon(JSON.parse(body), Date.now(), beaconId);
    if (!validated.ok) return 400;
    try {
      await stream.put([{ partitionKey: beaconId, data: encodeStreamRecord(validated.value.record) }]);
      return 202;
    } catch {
      return 503;
    }
  };
}
