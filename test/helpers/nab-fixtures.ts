import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeriesCsv } from '../../src/analysis/series-csv.ts';

// NAB's data and the scores NAB publishes for its detectors (results/<detector>), MIT: see test/fixtures/nab/LICENSE-NAB.txt.
const NAB = join(import.meta.dirname, '../fixtures/nab');

/** The development series kept as fixtures: small enough to replay in a unit test. */
export const FIXTURE_FILES = [
  'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
  'realAWSCloudwatch/ec2_network_in_257a54.csv',
  'realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv',
  'artificialWithAnomaly/art_increase_spike_density.csv',
];

/** A fixture series' values in file order, and the scores NAB publishes for `detector` on it, one per row. */
export function nabFixture(detector: string, file: string): { values: number[]; published: number[] } {
  const values = parseSeriesCsv(readFileSync(join(NAB, 'data', file), 'utf8'), { order: 'file' }).map((p) => p.value);
  const published = readFileSync(join(NAB, 'published', detector, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map(Number);
  return { values, published };
}

/** The rows whose score is more than 0.01 from the published one. */
export const rowsOff = (ours: readonly number[], published: readonly number[]) =>
  ours.map((score, row) => ({ row, score, published: published[row]! })).filter((r) => Math.abs(r.score - r.published) > 0.01);
