import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NAB = resolve(ROOT, '../shared/data/nab/data');
const run = (args: string[]) => promisify(execFile)('npm', ['run', '--silent', 'detect', '--', ...args], { cwd: ROOT });

describe('npm run detect', () => {
  it.skipIf(!existsSync(NAB))('prints the production detector alerts for a NAB file, with timestamps as in the file', async () => {
    const { stdout } = await run([join(NAB, 'realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv')]);
    const { anomalies } = JSON.parse(stdout) as { anomalies: { timestamp: string; score: number }[] };
    expect(anomalies.length).toBeGreaterThan(0);
    for (const a of anomalies) {
      expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(a.score).toBeGreaterThanOrEqual(0.85);
      expect(a.score).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a file that is not a timestamp,value CSV with a message and exit code 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'bad.csv'), 'when,what\nx,y\n');
    const failure = await run([join(dir.path, 'bad.csv')]).catch((e: { code: number; stderr: string }) => e);
    dir.remove();
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/expected a "timestamp,value" header/);
  });
});

describe('npm run forecast', () => {
  const forecast = (args: string[]) => promisify(execFile)('npm', ['run', '--silent', 'forecast', '--', ...args], { cwd: ROOT });

  it.skipIf(!existsSync(NAB))('forecasts the n points after the training end, using only data up to it', async () => {
    const { stdout } = await forecast([join(NAB, 'realKnownCause/nyc_taxi.csv'), '--train-until', '2014-12-01 00:00:00', '--horizon', '48']);
    const { forecast: points } = JSON.parse(stdout) as { forecast: { timestamp: string; value: number; lower: number; upper: number }[] };
    expect(points).toHaveLength(48);
    expect(points[0]!.timestamp).toBe('2014-12-01 00:30:00');
    expect(points.at(-1)!.timestamp).toBe('2014-12-02 00:00:00');
    for (const p of points) expect(p.lower).toBeLessThanOrEqual(p.upper);
  });

  it('explains its usage when arguments are missing', async () => {
    const failure = await forecast(['x.csv']).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/usage: npm run --silent forecast/);
  });
});
