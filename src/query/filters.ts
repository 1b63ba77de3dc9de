import type { PartialAggregate } from '../aggregation/partial-aggregate.ts';

/** Only the series whose dimensions hold every filter value: the one place dimension filters are judged. */
export function matchesFilters(dimensions: Readonly<Record<string, string>>, filters: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(filters)) if (dimensions[key] !== value) return false;
  return true;
}

/**
 * The partials whose dimensions hold every filter value. The core applies it to whatever a store
 * answers, so a store's own filtering (SQL's WHERE) is only a saving, never the rule.
 */
export function* onlyMatching(partials: Iterable<PartialAggregate>, filters: Readonly<Record<string, string>>): Generator<PartialAggregate> {
  const entries = Object.keys(filters).length;
  for (const partial of partials) if (entries === 0 || matchesFilters(partial.dimensions, filters)) yield partial;
}
