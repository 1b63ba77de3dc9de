import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { refuseUnknownApp, type AllowedApps } from '../src/beacon/app-policy.ts';
import { browserFamily } from '../src/beacon/browser-family.ts';
import { parseBeaconBody } from '../src/beacon/parse-body.ts';
import { validateBeacon } from '@vitalstream/protocol/validate';
import { systemClock, type Clock, type MetricStream, type Logger } from '../src/ports.ts';
import { encodeStreamRecord } from '@vitalstream/protocol/stream';
import { corsFor } from './middleware/cors.ts';
import { bodyBytes, consoleLogger, header, jsonResponse, refusalResponse, unexpectedErrorsAsJson } from './middleware/http-responses.ts';

export interface IngestDependencies {
  stream: MetricStream;
  allowedOrigins: readonly string[];
  /** The apps this deployment accepts; undefined accepts any. */
  allowedApps?: AllowedApps;
  clock?: Clock;
  newId?: () => string;
  logger?: Logger;
  /** Refuses a metric name for an app (the cap on invented names), with the reason; none refuses nothing. */
  refuseName?: (app: string, name: string) => string | undefined;
}

/** POST /v1/beacon: validate, normalize, and put one record per beacon on the stream before answering 202. */
export function createIngestHandler(deps: IngestDependencies) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const logger = deps.logger ?? consoleLogger;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(logger))
    .use(corsFor(deps.allowedOrigins, 'POST,OPTIONS'))
    .handler(async (event) => {
      const parsed = parseBeaconBody(bodyBytes(event), header(event, 'content-type'));
      if (!parsed.ok) return refusalResponse(parsed.refusal);
      const beaconId = newId();
      const browser = browserFamily(header(event, 'user-agent'));
      const validated = validateBeacon(parsed.value, clock.now(), beaconId, {
        ...(browser ? { browser } : {}),
        ...(deps.refuseName ? { refuseName: deps.refuseName } : {}),
      });
      if (!validated.ok) return refusalResponse(validated.refusal);
      const { record, rejected } = validated.value;
      const unknownApp = refuseUnknownApp(record.common.app!, deps.allowedApps);
      if (unknownApp) return refusalResponse(unknownApp);
      try {
        await deps.stream.put([{ partitionKey: beaconId, data: encodeStreamRecord(record) }]);
      } catch (error) {
        logger.error('stream put failed', { error: (error as Error).message, beaconId });
        return jsonResponse(
          503,
          { error: 'stream_unavailable', message: 'the beacon could not be stored durably and was not accepted; retry with backoff' },
          { 'retry-after': '1' },
        );
      }
      return jsonResponse(202, { accepted: record.metrics.length, ...(rejected.length > 0 ? { rejected } : {}) });
    });
}
