import type { Condition } from './rules.ts';

/** Where an alert points: the query (or dashboard) view of its metric and dimensions. */
export function conditionLink(base: string, condition: Condition): string {
  const params = new URLSearchParams({ metric: condition.metric, ...condition.dimensions });
  return `${base}?${params}`;
}
