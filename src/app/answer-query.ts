import { dimensionsOf, METRICS, type Problem, type Refusal, refuse } from '@vitalstream/protocol';
import { ADVICE_METRICS, adviseFrom } from '../advice/advice.ts';
import { FORECAST_HISTORY_MS, forecastMetric } from '../analysis/forecast/forecast-series.ts';
import { detailOf } from '../analysis/forecast/hourly-statistics.ts';
import { FORECAST_HORIZON_HOURS, forecastKey } from '../analysis/forecast/scheduled-forecasts.ts';
import type { QueryRoutePath } from '../api/routes.ts';
import type { AggregateQuery, AlertReader, ForecastStore, MetricStore } from '../ports.ts';
import { answerAggregates, MAX_ANSWER_POINTS } from '../query/aggregate-answer.ts';
import { parseAggregateQuery, queryRefusal, readTimeRange, STEPS } from '../query/aggregate-query.ts';
import { TooManyPoints } from '../query/build-series.ts';
import { caseHint, filtersToCheckForCase, rawPathHints } from '../query/filter-hints.ts';
import { onlyMatching } from '../query/filters.ts';
import { JOINED_VITALS, joinSlowVital } from '../query/slow-vitals.ts';

export interface QueryAnswerDependencies {
  store: MetricStore;
  /** The analyze job's scheduled forecasts; a per-app request is answered from them. */
  forecasts?: Pick<ForecastStore, 'load'>;
  alerts?: AlertReader;
  /**
   * How often the dashboard refreshes (told through /v1/metrics): 30 s locally; on AWS every
   * refresh is a burst of Timestream queries billed at least 4 TCUs for 30 s, so 5 minutes.
   */
  dashboardRefreshSeconds?: number;
}

/** What a query route answers, before any runtime turns it into an HTTP response. */
export interface QueryAnswer {
  status: number;
  body: unknown;
}

const answer = (status: number, body: unknown): QueryAnswer => ({ status, body });
const refused = (refusal: Refusal): QueryAnswer =>
  answer(refusal.status, { error: refusal.error, message: refusal.message, ...(refusal.problems ? { problems: refusal.problems } : {}) });

/**
 * Answers one route of the query API (`GET /v1/aggregates`, `/metrics`, `/alerts`, `/anomalies`,
 * `/forecasts`, `/advice`) from its query parameters: the use case both runtimes call.
 */
export function answerQuery(
  deps: QueryAnswerDependencies,
  path: QueryRoutePath,
  params: Readonly<Record<string, string | undefined>>,
  now: number,
): Promise<QueryAnswer> {
  switch (path) {
    case '/v1/metrics':
      return Promise.resolve(answer(200, { metrics: metricCatalog(), dashboardRefreshSeconds: deps.dashboardRefreshSeconds ?? 30 }));
    case '/v1/aggregates':
      return aggregates(deps, params, now);
    case '/v1/advice':
      return advice(deps, params, now);
    case '/v1/forecasts':
      return forecasts(deps, params, now);
    case '/v1/anomalies':
      return anomalies(deps, params);
    case '/v1/alerts':
      return alerts(deps);
    case '/v1/slow-vitals':
      return slowVitals(deps, params, now);
  }
}

async function aggregates(deps: QueryAnswerDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const parsed = parseAggregateQuery(params, now);
  if (!parsed.ok) return refused(parsed.refusal);
  const query = parsed.value;
  let aggregated: ReturnType<typeof answerAggregates>;
  try {
    // The store may answer from coarser rollups when the points are an hour or wider.
    aggregated = answerAggregates(onlyMatching(await deps.store.readPartials({ ...query, resolutionMs: STEPS[query.step] ?? Infinity }), query.filters), query);
  } catch (error) {
    if (!(error instanceof TooManyPoints)) throw error;
    return refused(
      refuse(
        400,
        'too_many_points',
        `the answer would hold more than ${MAX_ANSWER_POINTS} points: narrow the range, add a filter or use a coarser step (step=hour or step=total)`,
        [{ path: 'step', reason: `more than ${MAX_ANSWER_POINTS} points` }],
      ).refusal,
    );
  }
  const hints = aggregated.series.every((s) => s.points.length === 0) ? await emptyAnswerHints(deps, query) : [];
  return answer(200, {
    metric: query.metric,
    unit: aggregated.unit,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    series: aggregated.series,
    ...(hints.length > 0 ? { hint: hints.join(' ') } : {}),
  });
}

/**
 * Why an answer with filters is empty: a raw path where routes are stored, or a value in the wrong
 * case. The case check reads the range again without that one filter; it runs only for answers
 * that are empty, and only for the few filters a query can hold.
 */
async function emptyAnswerHints(deps: QueryAnswerDependencies, query: AggregateQuery & { step: keyof typeof STEPS }): Promise<string[]> {
  const hints = rawPathHints(query.filters);
  for (const key of filtersToCheckForCase(query.filters)) {
    const { [key]: _unfiltered, ...others } = query.filters;
    const partials = await deps.store.readPartials({ ...query, filters: others, resolutionMs: STEPS[query.step] ?? Infinity });
    const hint = caseHint(query.filters, key, partials);
    if (hint) hints.push(hint);
  }
  return hints;
}

/**
 * For a page (or any envelope filter), each of INP, LCP and TTFB joined to the server endpoints
 * its slow occurrences waited on, as the browser SDK reported them: one read of the five metrics.
 */
async function slowVitals(deps: QueryAnswerDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const { group_by: _groupBy, step: _step, metric: _metric, ...rest } = params;
  const parsed = parseAggregateQuery({ ...rest, metric: 'slow_vital' }, now);
  if (!parsed.ok) return refused(parsed.refusal);
  const { from, to, filters } = parsed.value;
  const metrics = ['slow_vital', 'slow_vital_endpoint', ...JOINED_VITALS.map((v) => v.metric)];
  const partials = [...onlyMatching(await deps.store.readMetrics(metrics, from, to), filters)];
  const of = (metric: string, vital?: string) => partials.filter((p) => p.metric === metric && (vital === undefined || p.dimensions.vital === vital));
  return answer(200, {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    filters,
    vitals: JOINED_VITALS.map((v) => joinSlowVital(v, of(v.metric), of('slow_vital', v.vital), of('slow_vital_endpoint', v.vital), from)),
  });
}

async function advice(deps: QueryAnswerDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const problems: Problem[] = [];
  const { from, to } = readTimeRange(params, now, problems);
  if (problems.length > 0 || from === undefined || to === undefined) return refused(queryRefusal(problems).refusal);
  const partials = onlyMatching(await deps.store.readMetrics(ADVICE_METRICS, from, to), params.app ? { app: params.app } : {});
  return answer(200, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), advice: adviseFrom(partials) });
}

async function forecasts(deps: QueryAnswerDependencies, params: Readonly<Record<string, string | undefined>>, now: number) {
  const horizon = Number(params.horizon_hours ?? 168);
  const { horizon_hours: _horizon, from: _from, ...rest } = params;
  const parsed = parseAggregateQuery({ ...rest, from: String(now - FORECAST_HISTORY_MS), to: String(now) }, now);
  if (!parsed.ok) return refused(parsed.refusal);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 24 * 31) {
    return refused(
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
    return answer(200, { ...forecast, forecast: forecast.forecast.slice(0, horizon), unit: parsed.value.unit, filters, fitted: 'scheduled' });
  }
  // Forecasts are hourly: the store may answer four weeks from its hourly rollups.
  const partials = onlyMatching(await deps.store.readPartials({ ...parsed.value, resolutionMs: 3_600_000 }), filters);
  return answer(200, {
    ...forecastMetric(parsed.value.metric, partials, now, horizon),
    fittedAt: new Date(now).toISOString(),
    unit: parsed.value.unit,
    filters,
    fitted: 'on-request',
  });
}

async function anomalies(deps: QueryAnswerDependencies, params: Readonly<Record<string, string | undefined>>) {
  if (!deps.alerts?.anomalies) return answer(404, { error: 'not_configured', message: 'anomalies are not available on this deployment' });
  const latest = await deps.alerts.anomalies();
  const matches = (c: { metric?: string }) => !params.metric || c.metric === params.metric;
  const recent = deps.alerts.recent ? (await deps.alerts.recent(500)).filter((a) => a.rule === 'anomaly' && a.state === 'firing' && matches(a)) : [];
  return answer(200, {
    checkedAt: latest.checkedAt ? new Date(latest.checkedAt).toISOString() : null,
    current: latest.conditions.filter(matches).map(withIsoWindow),
    recent: recent.map((a) => withIsoWindow({ ...a, at: new Date(a.at).toISOString() })),
  });
}

async function alerts(deps: QueryAnswerDependencies) {
  if (!deps.alerts) return answer(404, { error: 'not_configured', message: 'alerts are not available on this deployment' });
  const open = (await deps.alerts.open()).map((o) =>
    withIsoWindow({ ...o.condition, since: new Date(o.since).toISOString(), lastSeen: new Date(o.lastSeen).toISOString() }),
  );
  const recent = deps.alerts.recent ? await deps.alerts.recent(100) : [];
  return answer(200, { open, recent: recent.map((a) => withIsoWindow({ ...a, at: new Date(a.at).toISOString() })) });
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
