import { describe, expect, it } from 'vitest';
import { addValue, emptyPartial } from '../../../src/aggregation/partial-aggregate.ts';
import { summarize } from '../../../src/aggregation/summarize.ts';

describe('the numbers a user sees for one window', () => {
  it('reports sum and avg exactly, not rounded to 7 significant digits', () => {
    const partial = emptyPartial('api_request', 0, { app: 'shop' });
    const values = [1234567.891, 0.000123, 98765.4321];
    for (const value of values) addValue(partial, value, 1);
    const point = summarize(partial);
    const sum = values.reduce((a, b) => a + b, 0);
    expect(point.sum).toBe(sum);
    expect(point.avg).toBe(sum / 3);
    expect(point.count).toBe(3);
  });

  it('keeps percentiles inside the observed range', () => {
    const partial = emptyPartial('api_request', 0, { app: 'shop' });
    for (let i = 1; i <= 100; i++) addValue(partial, i, 1);
    const point = summarize(partial);
    expect(point.p50).toBeGreaterThanOrEqual(49);
    expect(point.p50).toBeLessThanOrEqual(51);
    expect(point.p99).toBeLessThanOrEqual(100);
  });
});
