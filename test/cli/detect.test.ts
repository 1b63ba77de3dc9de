import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR } from '../../src/analysis/anomaly/detector.ts';
import { seededRandom } from '../../src/analysis/anomaly/random.ts';
import { replayAlerts } from '../../src/analysis/anomaly/replay.ts';
import { parseSeriesCsv } from '../../src/analysis/series-csv.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = tempDir();
afterAll(() => dir.remove());

/** A NAB-style CSV: 5-minute points over four days with a daily cycle, and one incident late on day four. */
function seriesCsv(stepMinutes: number, days: number, spikeAt?: number): string {
  const random = seededRandom(3);
  const rows = ['timestamp,value'];
  const start = Date.UTC(2014, 6, 1);
  for (let i = 0; i < (days * 1440) / stepMinutes; i++) {
    const t = start + i * stepMinutes * 60_000;
    const value = 50 + 20 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000) + (random() - 0.5) * 4 + (i === spikeAt ? 400 : 0);
    rows.push(`${new Date(t).toISOString().slice(0, 19).replace('T', ' ')},${value.toFixed(3)}`);
  }
  return `${rows.join('\n')}\n`;
}
const run = (args: string[]) => promisify(execFile)('npm', ['run', '--silent', 'detect', '--', ...args], { cwd: ROOT });

describe('npm run detect', () => {
  it('prints the production detector alerts for a series, with timestamps as in the file', async () => {
    const file = join(dir.path, 'incident.csv');
    writeFileSync(file, seriesCsv(5, 4, 3 * 288 + 100));
    const { stdout } = await run([file]);
    const { anomalies } = JSON.parse(stdout) as { anomalies: { timestamp: string; score: number }[] };
    // Exactly the analysis code's alerts, and the spike at 08:20 is among them within ARTime's downsampling step (7 rows).
    expect(anomalies).toEqual(replayAlerts(parseSeriesCsv(readFileSync(file, 'utf8'))));
    const spikeAlert = anomalies.find((a) => a.timestamp >= '2014-07-04 08:20:00' && a.timestamp <= '2014-07-04 08:50:00');
    expect(spikeAlert?.score).toBeGreaterThanOrEqual(DEFAULT_DETECTOR.threshold);
    expect(spikeAlert?.score).toBeLessThanOrEqual(1);
  });

  it('refuses an unsorted file at its first bad line, and judges it in file order with --file-order', async () => {
    const rows = seriesCsv(5, 4).trim().split('\n');
    const swapped = [...rows.slice(0, 101), rows[102]!, rows[101]!, ...rows.slice(103)];
    writeFileSync(join(dir.path, 'unsorted.csv'), `${swapped.join('\n')}\n`);
    const failure = await run([join(dir.path, 'unsorted.csv')]).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/line 103: timestamp '2014-07-01 08:20:00' comes before the previous line's '2014-07-01 08:25:00'/);
    const { stdout } = await run([join(dir.path, 'unsorted.csv'), '--file-order']);
    expect(JSON.parse(stdout)).toHaveProperty('anomalies');
  });

  it('refuses a file that is not a timestamp,value CSV with a message and exit code 1', async () => {
    writeFileSync(join(dir.path, 'bad.csv'), 'when,what\nx,y\n');
    const failure = await run([join(dir.path, 'bad.csv')]).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/expected a "timestamp,value" header/);
  });
});

describe('npm run forecast', () => {
  const forecast = (args: string[]) => promisify(execFile)('npm', ['run', '--silent', 'forecast', '--', ...args], { cwd: ROOT });

  it('forecasts the n points after the training end, using only data up to it', async () => {
    const file = join(dir.path, 'taxi.csv');
    writeFileSync(file, seriesCsv(30, 170));
    const { stdout } = await forecast([file, '--train-until', '2014-12-01 00:00:00', '--horizon', '48']);
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
    const badTime = await forecast([join(dir.path, 'taxi.csv'), '--train-until', 'soon', '--horizon', '4']).catch((e: { code: number; stderr: string }) => e);
    expect((badTime as { stderr: string }).stderr).toMatch(/--train-until 'soon' is not a timestamp/);
  });
});
