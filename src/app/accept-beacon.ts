import type { Refusal } from '@vitalstream/protocol';
import { encodeStreamRecord } from '@vitalstream/protocol/stream';
import { validateBeacon } from '@vitalstream/protocol/validate';
import { type AllowedApps, refuseUnknownApp } from '../beacon/app-policy.ts';
import { browserFamily } from '../beacon/browser-family.ts';
import { parseBeaconBody } from '../beacon/parse-body.ts';
import type { Clock, Logger, MetricStream } from '../ports.ts';

export interface AcceptBeaconDependencies {
  stream: MetricStream;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  /** The apps this deployment accepts; undefined accepts any. */
  allowedApps?: AllowedApps;
  /** Refuses a metric name for an app (the cap on invented names), with the reason; none refuses nothing. */
  refuseName?: (app: string, name: string) => string | undefined;
}

/** A beacon as it arrived: its body bytes and the two headers that matter. */
export interface BeaconRequest {
  body: Uint8Array;
  contentType: string | undefined;
  userAgent: string | undefined;
}

/** What the beacon endpoint answers, before any runtime turns it into an HTTP response. */
export interface BeaconAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const refused = (refusal: Refusal): BeaconAnswer => ({
  status: refusal.status,
  body: { error: refusal.error, message: refusal.message, ...(refusal.problems ? { problems: refusal.problems } : {}) },
});

/**
 * POST /v1/beacon: parse, validate and normalize a beacon, refuse an app the deployment does not
 * accept, and put one record on the stream before answering 202, so an answered beacon is durable.
 * A metric that is refused is named in the answer; the rest are accepted.
 */
export async function acceptBeacon(deps: AcceptBeaconDependencies, request: BeaconRequest): Promise<BeaconAnswer> {
  const parsed = parseBeaconBody(Buffer.from(request.body), request.contentType);
  if (!parsed.ok) return refused(parsed.refusal);
  const beaconId = deps.newId();
  const browser = browserFamily(request.userAgent);
  const validated = validateBeacon(parsed.value, deps.clock.now(), beaconId, {
    ...(browser ? { browser } : {}),
    ...(deps.refuseName ? { refuseName: deps.refuseName } : {}),
  });
  if (!validated.ok) return refused(validated.refusal);
  const { record, rejected } = validated.value;
  const unknownApp = refuseUnknownApp(record.common.app!, deps.allowedApps);
  if (unknownApp) return refused(unknownApp);
  try {
    await deps.stream.put([{ partitionKey: beaconId, data: encodeStreamRecord(record) }]);
  } catch (error) {
    deps.logger.error('stream put failed', { error: (error as Error).message, beaconId });
    return {
      status: 503,
      body: { error: 'stream_unavailable', message: 'the beacon could not be stored durably and was not accepted; retry with backoff' },
      headers: { 'retry-after': '1' },
    };
  }
  return { status: 202, body: { accepted: record.metrics.length, ...(rejected.length > 0 ? { rejected } : {}) } };
}
