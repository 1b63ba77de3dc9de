import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { METRICS } from '@vitalstream/protocol';
import { dimensionsOf } from '@vitalstream/protocol';
import { parseAggregateQuery, queryRefusal, readTimeRange, STEPS } from '../src/query/aggregate-query.ts';
import { answerAggregates, MAX_ANSWER_POINTS } from '../src/query/aggregate-answer.ts';
import { TooManyPoints } from '../src/query/build-series.ts';
import { onlyMatching } from '../src/query/filters.ts';
import { routesOf, type QueryRoutePath } from '../src/api/routes.ts';
import { adviseFrom, ADVICE_METRICS } from '../src/advice/advice.ts';
import { FORECAST_HISTORY_MS, forecastMetric } from '../src/analysis/forecast/forecast-series.ts';
import { refuse, type Problem } from '@vitalstream/protocol';
import { FORECAST_HORIZON_HOURS, forecastKey } from '../src/analysis/forecast/scheduled-forecasts.ts';
import { detailOf } from '../src/analysis/forecast/hourly-statistics.ts';
import { systemClock, type AlertReader, type Clock, type ForecastStore, type Logger, type MetricStore } from '../src/ports.ts';
import { corsFor } from './middleware/cors.ts';
import { consoleLogger, jsonResponse, refusalResponse, unexpectedErrorsAsJson } from './middleware/http-responses.ts';

export interface QueryDependencies {
  store: MetricStore;
  /** The analyze job's scheduled forecasts; a per-app request is answered from them. */
  forecasts?: Pick<ForecastStore, 'load'>;
  alerts?: AlertReader;
  allowedOrigins: readonly string[];
  clock?: Clock;
  logger?: Logger;
  /**
   * How often the dashboard refreshes (told through /v1/metrics): 30 s locally; on AWS every
   * refresh is a burst of Timestream queries billed at least 4 TCUs for 30 s, so 5 minutes.
   */
  dashboardRefreshSeconds?: number;
}

type RouteAnswer = (params: Readonly<Record<string, string | undefined>>) => Promise<APIGatewayProxyResultV2>;

/** GET /v1/aggregates, /v1/metrics, /v1/alerts, /v1/anomalies, /v1/forecasts and /v1/advice: one function per route of the table. */
export function createQueryHandler(deps: QueryDependencies) {
  const clock = deps.clock ?? systemClock;
  const routes: Record<QueryRoutePath, RouteAnswer> = {
    '/v1/metrics': async () => jsonResponse(200, { metrics: metricCatalog(), dashboardRefreshSeconds: deps.dashboardRefreshSeconds ?? 30 }),
    '/v1/aggregates': (params) => aggregates(deps, params, clock.now()),
    '/v1/advice': (params) => advice(deps, params, clock.now()),
    '/v1/forecasts': (params) => forecasts(deps, params, clock.now()),
    '/v1/anomalies': (params) => anomalies(deps, params),
    '/v1/alerts': () => alerts(deps),
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(deps.logger ?? consoleLogger))
    .use(corsFor(deps.allowedOrigins, 'GET,OPTIONS'))
    .handler(async (event) => {
      const answer = Object.hasOwn(routes, event.rawPath) ? routes[event.rawPath as QueryRoutePath] : undefined;
      if (!answer) {
        return jsonResponse(404, {
          error: 'not_found',
          message: `no route ${event.rawPath.slice(0, 200)}; try ${routesOf('query')
            .map((r) => r.path)
            .join(', ')}`,
        });
      }
      return answer(event.queryStringParameters ?? {});
    });
}

async function aggregates(deps: QueryDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const parsed = parseAggregateQuery(params, now);
  if (!parsed.ok) return refusalResponse(parsed.refusal);
  const query = parsed.value;
  let answer: ReturnType<typeof answerAggregates>;
  try {
    // The store may answer from coarser rollups when the points are an hour or wider.
    answer = answerAggregates(onlyMatching(await deps.store.readPartials({ ...query, resolutionMs: STEPS[query.step] ?? Infinity }), query.filters), query);
  } catch (error) {
    if (!(error instanceof TooManyPoints)) throw error;
    return refusalResponse(
      refuse(
        400,
        'too_many_points',
        `the answer would hold more than ${MAX_ANSWER_POINTS} points: narrow the range, add a filter or use a coarser step (step=hour or step=total)`,
        [{ path: 'step', reason: `more than ${MAX_ANSWER_POINTS} points` }],
      ).refusal,
    );
  }
  return jsonResponse(200, {
    metric: query.metric,
    unit: answer.unit,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    series: answer.series,
  });
}

async function advice(deps: QueryDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const problems: Problem[] = [];
  const { from, to } = readTimeRange(params, now, problems);
  if (problems.length > 0 || from === undefined || to === undefined) return refusalResponse(queryRefusal(problems).refusal);
  const partials = onlyMatching(await deps.store.readMetrics(ADVICE_METRICS, from, to), params.app ? { app: params.app } : {});
  return jsonResponse(200, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), advice: adviseFrom(partials) });
}

async function forecasts(deps: QueryDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const horizon = Number(params.horizon_hours ?? 168);
  const { horizon_hours: _horizon, from: _from, ...rest } = params;
  const parsed = parseAggregateQuery({ ...rest, from: String(now - FORECAST_HISTORY_MS), to: String(now) }, now);
  if (!parsed.ok) return refusalResponse(parsed.refusal);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 24 * 31) {
    return refusalResponse(
      refuse(400, 'invalid_query', 'horizon_hours must be an integer from 1 to 744', [{ path: 'horizon_hours', reason: 'must be an integer from 1 to 744' }])
        .refusal,
    );
  }
  const filters = parsed.value.filters;
  // An app, or an app and one of its busiest endpoints or pages, is answered from the scheduled fit
  // without a read; any other filter (or an endpoint outside the top) is fitted on request.
  const scheduledShape =
    filters.app !== undefined && Object.keys(filters).every((k) => k === 'app' || k === detailOf(parsed.value.metric)) && Object.keys(filters).length <= 2;
  const stored = horizon <= FORECAST_HORIZON_HOURS && scheduledShape ? await deps.forecasts?.load(forecastKey(parsed.value.metric, filters)) : undefined;
  if (stored) {
    const { key: _key, dimensions: _dimensions, ...forecast } = stored;
    return jsonResponse(200, { ...forecast, forecast: forecast.forecast.slice(0, horizon), unit: parsed.value.unit, filters, fitted: 'scheduled' });
  }
  // Forecasts are hourly: the store may answer four weeks from its hourly rollups.
  const partials = onlyMatching(await deps.store.readPartials({ ...parsed.value, resolutionMs: 3_600_000 }), filters);
  return jsonResponse(200, {
    ...forecastMetric(parsed.value.metric, partials, now, horizon),
    fittedAt: new Date(now).toISOString(),
    unit: parsed.value.unit,
    filters,
    fitted: 'on-request',
  });
}

async function anomalies(deps: QueryDependencies, params: Readonly<Record<string, string | undefined>>) {
  if (!deps.alerts?.anomalies) return jsonResponse(404, { error: 'not_configured', message: 'anomalies are not available on this deployment' });
  const latest = await deps.alerts.anomalies();
  const matches = (c: { metric?: string }) => !params.metric || c.metric === params.metric;
  const recent = deps.alerts.recent ? (await deps.alerts.recent(500)).filter((a) => a.rule === 'anomaly' && a.state === 'firing' && matches(a)) : [];
  return jsonResponse(200, {
    checkedAt: latest.checkedAt ? new Date(latest.checkedAt).toISOString() : null,
    current: latest.conditions.filter(matches).map(withIsoWindow),
    recent: recent.map((a) => withIsoWindow({ ...a, at: new Date(a.at).toISOString() })),
  });
}

async function alerts(deps: QueryDependencies) {
  if (!deps.alerts) return jsonResponse(404, { error: 'not_configured', message: 'alerts are not available on this deployment' });
  const open = (await deps.alerts.open()).map((o) =>
    withIsoWindow({ ...o.condition, since: new Date(o.since).toISOString(), lastSeen: new Date(o.lastSeen).toISOString() }),
  );
  const recent = deps.alerts.recent ? await deps.alerts.recent(100) : [];
  return jsonResponse(200, { open, recent: recent.map((a) => withIsoWindow({ ...a, at: new Date(a.at).toISOString() })) });
}

/** Window starts travel as ISO 8601, like every other time the API answers with. */
function withIsoWindow<T extends { windowStart?: number }>(item: T): Omit<T, 'windowStart'> & { windowStart?: string } {
  const { windowStart, ...rest } = item;
  return windowStart === undefined ? rest : { ...rest, windowStart: new Date(windowStart).toISOString() };
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
