import { describe, expect, it } from 'vitest';
import type { PartialAggregate } from '../../../src/aggregation/partial-aggregate.ts';
import { caseHint, filtersToCheckForCase, rawPathHints } from '../../../src/query/filter-hints.ts';

const partial = (dimensions: Record<string, string>) => ({ dimensions }) as unknown as PartialAggregate;

describe('hints for empty answers', () => {
  it('says which route a raw page or endpoint path is stored under, and nothing for a route', () => {
    expect(rawPathHints({ page: '/products/42', endpoint: '/api/cart/:id', device: 'mobile' })).toEqual([
      "page '/products/42' is stored as its route '/products/:id': filter by page=/products/:id.",
    ]);
  });

  it('checks at most two filters for case, and never one a raw-path hint already explains', () => {
    expect(filtersToCheckForCase({ page: '/products/42', device: 'Mobile', browser: 'chrome', release: 'V2' })).toEqual(['device', 'browser']);
  });

  it('names the stored values that differ only in case, among partials that hold the other filters', () => {
    const partials = [
      partial({ page: '/checkout', device: 'mobile' }),
      partial({ page: '/checkout', device: 'desktop' }),
      partial({ page: '/home', device: 'Mobile' }),
    ];
    expect(caseHint({ page: '/checkout', device: 'MOBILE' }, 'device', partials)).toBe(
      "device 'MOBILE' matches nothing: values differ in case ('mobile'): filter by device=mobile.",
    );
    expect(caseHint({ device: 'tablet' }, 'device', partials)).toBeUndefined();
  });
});
