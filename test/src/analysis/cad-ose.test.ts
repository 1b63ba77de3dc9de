import { describe, expect, it } from 'vitest';
import { nabScores } from '../../../src/analysis/anomaly/nab-run.ts';
import { python2TupleHash } from '../../../src/analysis/anomaly/cad-ose/python2-hash.ts';
import { Python2IntDict } from '../../../src/analysis/anomaly/cad-ose/python2-int-dict.ts';
import { FIXTURE_FILES, nabFixture, rowsOff } from '../../helpers/nab-fixtures.ts';

describe('CAD OSE, reimplemented', () => {
  for (const file of FIXTURE_FILES) {
    it(`reproduces every score NAB publishes for ${file} within 0.01`, () => {
      const { values, published } = nabFixture('contextOSE', file);
      const ours = nabScores('contextOSE', values);
      expect(ours).toHaveLength(published.length);
      expect(rowsOff(ours, published)).toEqual([]);
    });
  }

  it('hashes tuples as 64-bit Python 2.7 does: hash(()) and hash((1, 2))', () => {
    expect(python2TupleHash([])).toBe(3527539n);
    expect(python2TupleHash([1, 2])).toBe(3713081631934410656n);
    expect(python2TupleHash([1, 2])).not.toBe(python2TupleHash([2, 1]));
  });

  it('iterates int keys in Python 2.7 dict order, not insertion order', () => {
    const dict = new Python2IntDict();
    for (const key of [9, 1, 17, 3]) dict.setDefault(key, key * 10);
    // 9 and 17 both want slot 1 of 8 (after 1 took it): they probe on; slot order is what Python 2 iterates.
    expect([...dict.entries()].map(([key]) => key)).not.toEqual([9, 1, 17, 3]);
    expect(dict.get(17)).toBe(170);
    expect(dict.size).toBe(4);
  });
});
