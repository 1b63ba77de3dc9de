import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { METRICS } from '../src/registry/metrics.ts';
import { dimensionsOf } from '../src/registry/metrics.ts';
import { parseAggregateQuery, readTimeRange } from '../src/query/aggregate-query.ts';
import { adviseFrom, ADVICE_METRICS } from '../src/advice/advice.ts';
import { refuse, type Problem } from '../src/beacon/problems.ts';
import type { Alert } from '../src/alerts/alert.ts';
import type { OpenAlert } from '../src/alerts/lifecycle.ts';
import { buildSeries } from '../src/query/build-series.ts';
import { systemClock, type Clock, type MetricStore } from '../src/ports.ts';
import { corsFor } from './middleware/cors.ts';
import { consoleLogger, jsonResponse, refusalResponse, unexpectedErrorsAsJson, type Logger } from './middleware/http-responses.ts';

/** What /v1/alerts reads: the lifecycle's open alerts and, where a log exists (locally), recent ones. */
export interface AlertReader {
  open(): Promise<OpenAlert[]>;
  recent?(limit: number): Promise<Alert[]>;
}

export interface QueryDependencies {
  store: MetricStore;
  alerts?: AlertReader;
  allowedOrigins: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

/** GET /v1/aggregates, /v1/metrics, /v1/alerts and /v1/advice. */
export function createQueryHandler(deps: QueryDependencies) {
  const clock = deps.clock ?? systemClock;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(deps.logger ?? consoleLogger))
    .use(corsFor(deps.allowedOrigins, 'GET,OPTIONS'))
    .handler(async (event) => {
      const path = event.rawPath;
      if (path === '/v1/metrics') return jsonResponse(200, { metrics: metricCatalog() });
      const params = event.queryStringParameters ?? {};
      if (path === '/v1/advice') {
        const problems: Problem[] = [];
        const { from, to } = readTimeRange(params, clock.now(), problems);
        if (problems.length > 0 || from === undefined || to === undefined) {
          return refusalResponse(refuse(400, 'invalid_query', problems.map((p) => `${p.path} ${p.reason}`).join('; '), problems).refusal);
        }
        const partials = (await deps.store.readMetrics(ADVICE_METRICS, from, to)).filter((p) => !params.app || p.dimensions.app === params.app);
        return jsonResponse(200, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), advice: adviseFrom(partials) });
      }
      if (path === '/v1/alerts') {
        if (!deps.alerts) return jsonResponse(404, { error: 'not_configured', message: 'alerts are not available on this deployment' });
        const open = (await deps.alerts.open()).map((o) => ({ ...o.condition, since: new Date(o.since).toISOString(), lastSeen: new Date(o.lastSeen).toISOString() }));
        const recent = deps.alerts.recent ? await deps.alerts.recent(100) : [];
        return jsonResponse(200, { open, recent: recent.map((a) => ({ ...a, at: new Date(a.at).toISOString() })) });
      }
      if (path !== '/v1/aggregates') return jsonResponse(404, { error: 'not_found', message: `no route ${path}; try /v1/aggregates, /v1/metrics, /v1/alerts or /v1/advice` });
      const parsed = parseAggregateQuery(params, clock.now());
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
