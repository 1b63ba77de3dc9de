import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haarTransform } from '../../../src/analysis/anomaly/artime/haar.ts';
import { nabScores } from '../../../src/analysis/anomaly/nab-run.ts';
import { parseSeriesCsv } from '../../../src/analysis/series-csv.ts';

// NAB's data and the scores NAB publishes for ARTime (results/ARTime), MIT, see LICENSE-NAB.txt there.
const NAB = join(import.meta.dirname, '../../fixtures/nab');
const FILES = [
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
  'realAWSCloudwatch/ec2_network_in_257a54.csv',
  'realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv',
  'artificialWithAnomaly/art_increase_spike_density.csv',
];

describe('ARTime, reimplemented', () => {
  for (const file of FILES) {
    it(`reproduces every score NAB publishes for ${file} within 0.01, alerts included`, () => {
      const values = parseSeriesCsv(readFileSync(join(NAB, 'data', file), 'utf8'), { order: 'file' }).map((p) => p.value);
      const published = readFileSync(join(NAB, 'published/ARTime', file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map(Number);
      const ours = nabScores('ARTime', values);
      expect(ours).toHaveLength(published.length);
      expect(published.some((score) => score > 0)).toBe(true);
      const off = ours.map((score, row) => ({ row, score, published: published[row]! })).filter((r) => Math.abs(r.score - r.published) > 0.01);
      expect(off).toEqual([]);
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
