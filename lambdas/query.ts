import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type QueryRoutePath, routesOf } from '../src/api/routes.ts';
import { answerQuery, type QueryAnswerDependencies } from '../src/app/answer-query.ts';
import { type Clock, type Logger, systemClock } from '../src/ports.ts';
import { corsFor } from './middleware/cors.ts';
import { consoleLogger, jsonResponse, unexpectedErrorsAsJson } from './middleware/http-responses.ts';

export interface QueryDependencies extends QueryAnswerDependencies {
  allowedOrigins: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

const QUERY_PATHS = new Set<string>(routesOf('query').map((r) => r.path));

/** GET /v1/*: the query use case behind CORS and the JSON error boundary. */
export function createQueryHandler(deps: QueryDependencies) {
  const clock = deps.clock ?? systemClock;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(deps.logger ?? consoleLogger))
    .use(corsFor(deps.allowedOrigins, 'GET,OPTIONS'))
    .handler(async (event) => {
      if (!QUERY_PATHS.has(event.rawPath)) {
        return jsonResponse(404, { error: 'not_found', message: `no route ${event.rawPath.slice(0, 200)}; try ${[...QUERY_PATHS].join(', ')}` });
      }
      const { status, body } = await answerQuery(deps, event.rawPath as QueryRoutePath, event.queryStringParameters ?? {}, clock.now());
      return jsonResponse(status, body);
    });
}
