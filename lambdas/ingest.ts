import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type AcceptBeaconDependencies, acceptBeacon } from '../src/app/accept-beacon.ts';
import { type Clock, type Logger, systemClock } from '../src/ports.ts';
import { corsFor } from './middleware/cors.ts';
import { bodyBytes, consoleLogger, header, jsonResponse, unexpectedErrorsAsJson } from './middleware/http-responses.ts';

export type IngestDependencies = Omit<AcceptBeaconDependencies, 'clock' | 'newId' | 'logger'> & {
  allowedOrigins: readonly string[];
  clock?: Clock;
  newId?: () => string;
  logger?: Logger;
};

/** POST /v1/beacon on API Gateway: the accept-beacon use case behind CORS and the JSON error boundary. */
export function createIngestHandler(deps: IngestDependencies) {
  const accept = { ...deps, clock: deps.clock ?? systemClock, newId: deps.newId ?? (() => crypto.randomUUID()), logger: deps.logger ?? consoleLogger };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(accept.logger))
    .use(corsFor(deps.allowedOrigins, 'POST,OPTIONS'))
    .handler(async (event) => {
      const request = { body: bodyBytes(event), contentType: header(event, 'content-type'), userAgent: header(event, 'user-agent') };
      const { status, body, headers } = await acceptBeacon(accept, request);
      return jsonResponse(status, body, headers);
    });
}
