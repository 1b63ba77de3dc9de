import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nabScores } from '../../../src/analysis/anomaly/nab-run.ts';
import { python2TupleHash } from '../../../src/analysis/anomaly/cad-ose/python2-hash.ts';
import { Python2IntDict } from '../../../src/analysis/anomaly/cad-ose/python2-int-dict.ts';
import { parseSeriesCsv } from '../../../src/analysis/series-csv.ts';

// NAB's data and the scores NAB publishes for CAD OSE (results/contextOSE), MIT, see LICENSE-NAB.txt there.
const NAB = join(import.meta.dirname, '../../fixtures/nab');
const FILES = [
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
  'realAWSCloudwatch/ec2_network_in_257a54.csv',
  'realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv',
  'artificialWithAnomaly/art_increase_spike_density.csv',
];

describe('CAD OSE, reimplemented', () => {
  for (const file of FILES) {
    it(`reproduces every score NAB publishes for ${file} within 0.01`, () => {
      const values = parseSeriesCsv(readFileSync(join(NAB, 'data', file), 'utf8'), { order: 'file' }).map((p) => p.value);
      const published = readFileSync(join(NAB, 'published/contextOSE', file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map(Number);
      const ours = nabScores('contextOSE', values);
      expect(ours).toHaveLength(published.length);
      const off = ours.map((score, row) => ({ row, score, published: published[row]! })).filter((r) => Math.abs(r.score - r.published) > 0.01);
      expect(off).toEqual([]);
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
