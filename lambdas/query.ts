import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { METRICS } from '../src/registry/metrics.ts';
import { dimensionsOf } from '../src/registry/metrics.ts';
import { parseAggregateQuery } from '../src/query/aggregate-query.ts';
import { buildSeries } from '../src/query/build-series.ts';
import { systemClock, type Clock, type MetricStore } from '../src/ports.ts';
import { corsFor } from './middleware/cors.ts';
import { consoleLogger, jsonResponse, refusalResponse, unexpectedErrorsAsJson, type Logger } from './middleware/http-responses.ts';

export interface QueryDependencies {
  store: MetricStore;
  allowedOrigins: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

/** GET /v1/aggregates and GET /v1/metrics. */
export function createQueryHandler(deps: QueryDependencies) {
  const clock = deps.clock ?? systemClock;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(deps.logger ?? consoleLogger))
    .use(corsFor(deps.allowedOrigins, 'GET,OPTIONS'))
    .handler(async (event) => {
      const path = event.rawPath;
      if (path === '/v1/metrics') return jsonResponse(200, { metrics: metricCatalog() });
      if (path !== '/v1/aggregates') return jsonResponse(404, { error: 'not_found', message: `no route ${path}; try /v1/aggregates or /v1/metrics` });
      const parsed = parseAggregateQuery(event.queryStringParameters ?? {}, clock.now());
      if (!parsed.ok) return refusalResponse(parsed.refusal);
      const query = parsed.value;
      const partials = await deps.store.readPartials(query);
      return jsonResponse(200, {
        metric: query.metric,
        unit: query.unit,
        from: new Date(query.from).toISOString(),
        to: new Date(query.to).toISOString(),
        series: buildSeries(partials, query.groupBy),
      });
    });
}

function metricCatalog() {
  return [...METRICS.values()].map((m) => ({
    name: m.name,
    unit: m.unit,
    source: m.source,
    description: m.description,
    ...(m.rating ? { rating: m.rating } : {}),
    dimensions: dimensionsOf(m),
  }));
}
