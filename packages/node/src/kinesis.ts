import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisStream } from '@vitalstream/protocol/kinesis';
import { validateBeacon } from '@vitalstream/protocol/validate';
import { encodeStreamRecord } from '@vitalstream/protocol/stream';
import type { Transport } from './types.ts';

/**
 * For services inside the AWS account: skip the HTTP API and put records straight on the stream,
 * validated and normalized by the same code the ingest handler runs (so nothing unchecked reaches
 * the aggregator). Answers 202 (with the refused metrics, as the endpoint names them), 400 or 503
 * like the beacon endpoint would, so the monitor reports what did not arrive either way.
 */
export function kinesisTransport(client: KinesisClient, streamArn: string): Transport {
  const stream = kinesisStream(client, { streamArn });
  return async (body) => {
    const beaconId = crypto.randomUUID();
    const validated = validateBeacon(JSON.parse(body), Date.now(), beaconId);
    if (!validated.ok) return { status: validated.refusal.status, body: JSON.stringify(validated.refusal) };
    const { record, rejected } = validated.value;
    try {
      await stream.put([{ partitionKey: beaconId, data: encodeStreamRecord(record) }]);
      return { status: 202, body: JSON.stringify({ accepted: record.metrics.length, ...(rejected.length > 0 ? { rejected } : {}) }) };
    } catch {
      return 503;
    }
  };
}
