import { routeTemplate } from '@vitalstream/protocol';
import type { PartialAggregate } from '../aggregation/partial-aggregate.ts';
import { matchesFilters } from './filters.ts';

/** Dimensions whose values are route templates: a raw path never matches them. */
const ROUTE_DIMENSIONS = ['page', 'endpoint'] as const;
/** Stored values named in one hint; a filter in the wrong case rarely has more than one. */
const MAX_SUGGESTIONS = 3;
/**
 * Filters checked for case per empty answer: each check is one more read of the range, and an
 * empty answer must not cost a store many times what a full one does.
 */
const MAX_CASE_CHECKS = 2;

/**
 * Why an empty answer may be empty, for filters that can be told without reading: pages and
 * endpoints are stored as route templates, so a filter on a raw path (`/products/2`) matches
 * nothing. Says what it folds to instead of an empty 200 that looks like no traffic.
 */
export function rawPathHints(filters: Readonly<Record<string, string>>): string[] {
  return rawPathKeys(filters).map((key) => {
    const route = routeTemplate(filters[key]!);
    return `${key} '${filters[key]}' is stored as its route '${route}': filter by ${key}=${route}.`;
  });
}

const rawPathKeys = (filters: Readonly<Record<string, string>>): string[] =>
  ROUTE_DIMENSIONS.filter((key) => filters[key] !== undefined && routeTemplate(filters[key]) !== filters[key]);

/** The filters whose misses `caseHint` may explain: the first MAX_CASE_CHECKS no raw-path hint already explains. */
export function filtersToCheckForCase(filters: Readonly<Record<string, string>>): string[] {
  const explained = new Set(rawPathKeys(filters));
  return Object.keys(filters)
    .filter((key) => !explained.has(key))
    .slice(0, MAX_CASE_CHECKS);
}

/**
 * For a filter on `key` that matched nothing, the values stored under `key` that differ from it only
 * in case, from partials read with every other filter kept: dimensions are compared exactly, so
 * `page=/Checkout` or `device=Mobile` answers nothing where `/checkout` and `mobile` have data.
 */
export function caseHint(filters: Readonly<Record<string, string>>, key: string, withoutKey: Iterable<PartialAggregate>): string | undefined {
  const wanted = filters[key]!.toLowerCase();
  const { [key]: _dropped, ...others } = filters;
  const found = new Set<string>();
  for (const partial of withoutKey) {
    const value = partial.dimensions[key];
    if (value === undefined || value.toLowerCase() !== wanted || !matchesFilters(partial.dimensions, others)) continue;
    found.add(value);
    if (found.size === MAX_SUGGESTIONS) break;
  }
  if (found.size === 0) return undefined;
  const values = [...found].sort();
  return `${key} '${filters[key]}' matches nothing: values differ in case (${values.map((v) => `'${v}'`).join(', ')}): filter by ${key}=${values[0]}.`;
}
