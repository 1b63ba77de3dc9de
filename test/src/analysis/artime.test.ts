import { describe, expect, it } from 'vitest';
import { haarTransform } from '../../../src/analysis/anomaly/artime/haar.ts';
import { nabScores } from '../../../src/analysis/anomaly/nab-run.ts';
import { FIXTURE_FILES, nabFixture, rowsOff } from '../../helpers/nab-fixtures.ts';

describe('ARTime, reimplemented', () => {
  for (const file of FIXTURE_FILES) {
    it(`reproduces every score NAB publishes for ${file} within 0.01, alerts included`, () => {
      const { values, published } = nabFixture('ARTime', file);
      const ours = nabScores('ARTime', values);
      expect(ours).toHaveLength(published.length);
      expect(published.some((score) => score > 0)).toBe(true);
      expect(rowsOff(ours, published)).toEqual([]);
    });
  }

  it('lays out the Haar transform coarsest first, details as (second - first)/√2', () => {
    const out = haarTransform([1, 3, 2, 2, 0, 4, 5, 5]);
    const r = Math.SQRT1_2;
    expect(out[0]).toBeCloseTo(22 * r ** 3, 12);
    expect(out[1]).toBeCloseTo((14 - 8) * r ** 3, 12);
    expect(out.slice(4)).toEqual([2, 0, 4, 0].map((d) => expect.closeTo(d * r, 12)));
  });
});
