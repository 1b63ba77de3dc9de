import { describe, expect, it } from 'vitest';
import { createCardinalityGuard, refuseInventedNames } from '../../../src/aggregation/cardinality-guard.ts';
import { WINDOW_MS } from '../../../src/aggregation/partial-aggregate.ts';

const T = Date.UTC(2026, 11, 6, 12, 0);

describe('the cardinality guard', () => {
  it('caps distinct custom metric names per app and folds the rest into custom_other, counted', () => {
    const guard = createCardinalityGuard({ maxNamesPerApp: 3 });
    const admitted = ['custom_a', 'custom_b', 'custom_c', 'custom_d', 'custom_e'].map((name) => guard.admitName('flood', name, T));
    expect(admitted).toEqual(['custom_a', 'custom_b', 'custom_c', 'custom_other', 'custom_other']);
    expect(guard.foldedNames).toBe(2);
    // A name already admitted keeps its place; registered metrics are never folded.
    expect(guard.admitName('flood', 'custom_b', T + WINDOW_MS)).toBe('custom_b');
    expect(guard.admitName('flood', 'web_vitals_lcp', T)).toBe('web_vitals_lcp');
    expect(guard.admitName('flood', 'function_resize', T)).toBe('function_other');
    // Another app has a quota of its own.
    expect(guard.admitName('shop', 'custom_checkout', T)).toBe('custom_checkout');
  });

  it('gives the place of a name unused for a day to a new one', () => {
    const guard = createCardinalityGuard({ maxNamesPerApp: 1 });
    expect(guard.admitName('shop', 'custom_old', T)).toBe('custom_old');
    expect(guard.admitName('shop', 'custom_new', T + 60 * WINDOW_MS)).toBe('custom_other');
    expect(guard.admitName('shop', 'custom_new', T + 25 * 60 * WINDOW_MS)).toBe('custom_new');
  });

  it('counts backdated windows beyond its horizon in one shared bucket instead of opening a window each', () => {
    const guard = createCardinalityGuard({ maxValues: 2 });
    expect(guard.admit('shop', 'web_vitals_lcp', T, 'page', '/now')).toBe('/now');
    // Each of these is hours old and in a different minute: one shared count of 2 values, not 2 per minute.
    const late = Array.from({ length: 6 }, (_, i) => guard.admit('shop', 'web_vitals_lcp', T - (200 + i) * WINDOW_MS, 'page', `/late-${i}`));
    expect(late).toEqual(['/late-0', '/late-1', 'other', 'other', 'other', 'other']);
    expect(guard.folded).toBe(4);
  });

  it('refuses invented names at ingest with a reason once an app has its share', () => {
    const refuse = refuseInventedNames(createCardinalityGuard({ maxNamesPerApp: 2 }), () => T);
    expect(refuse('flood', 'custom_a')).toBeUndefined();
    expect(refuse('flood', 'custom_b')).toBeUndefined();
    expect(refuse('flood', 'custom_c')).toBe(
      "app 'flood' already has 2 custom and function metric names in use, so 'custom_c' is refused; a name unused for 24 h frees its place",
    );
    expect(refuse('flood', 'custom_a')).toBeUndefined();
    expect(refuse('flood', 'web_vitals_lcp')).toBeUndefined();
  });
});
