import type { PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { CUSTOM_METRIC_NAME, UNIT_DIMENSION } from '@vitalstream/protocol';
import { STEPS, type ParsedAggregateQuery } from './aggregate-query.ts';
import { buildSeries, type Series } from './build-series.ts';
import { QUERY_LIMITS } from '../settings.ts';

/** Points one answer may hold: a month of minutes for one series, or a month of hours for 60. */
export const MAX_ANSWER_POINTS = QUERY_LIMITS.maxAnswerPoints;

export interface AggregateAnswer {
  unit: string;
  series: Series[];
}

/**
 * The series of a /v1/aggregates answer. A custom metric is split by its stored unit as well: one
 * name sent as `ms` and as `bytes` is two series, never one sum of milliseconds and bytes. The
 * answer's unit is the one unit there is, `mixed` when there are several (each series names its
 * own), and `unknown` when a custom metric has no data. Throws TooManyPoints past `maxPoints`.
 */
export function answerAggregates(partials: Iterable<PartialAggregate>, query: ParsedAggregateQuery, maxPoints = MAX_ANSWER_POINTS): AggregateAnswer {
  const bucketing = query.step === 'total' ? { total: { from: query.from } } : { stepMs: STEPS[query.step] };
  if (!CUSTOM_METRIC_NAME.test(query.metric) || query.groupBy === UNIT_DIMENSION) {
    return { unit: query.unit, series: buildSeries(partials, query.groupBy, bucketing, maxPoints) };
  }
  const byUnit = new Map<string, PartialAggregate[]>();
  for (const partial of partials) {
    const unit = partial.dimensions[UNIT_DIMENSION] ?? 'unknown';
    let list = byUnit.get(unit);
    if (!list) byUnit.set(unit, (list = []));
    list.push(partial);
  }
  const units = [...byUnit.keys()].sort();
  let budget = maxPoints;
  const series = units.flatMap((unit) => {
    const built = buildSeries(byUnit.get(unit)!, query.groupBy, bucketing, budget);
    budget -= built.reduce((n, s) => n + s.points.length, 0);
    return built.map((s) => ({ ...s, dimensions: { ...s.dimensions, [UNIT_DIMENSION]: unit } }));
  });
  if (units.length === 0) return { unit: 'unknown', series: query.groupBy === undefined ? [{ dimensions: {}, points: [] }] : [] };
  return { unit: units.length === 1 ? units[0]! : 'mixed', series };
}
