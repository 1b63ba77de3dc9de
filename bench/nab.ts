import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DETECTOR } from '../src/analysis/anomaly/detector.ts';
import { replayAlerts } from '../src/analysis/anomaly/replay.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';
import { tempDir } from './support/temp-dir.ts';

/** Runs the production detector over every NAB file in shared/ and scores it with the shared scorer. */
const SHARED = resolve(process.env.VITALSTREAM_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const DATA = join(SHARED, 'data/nab/data');
const LABELS = join(SHARED, 'data/nab/labels/combined_windows.json');
const overrides = JSON.parse(process.env.DETECTOR ?? '{}') as Partial<typeof DEFAULT_DETECTOR>;
const config = { ...DEFAULT_DETECTOR, ...overrides };
const detections: Record<string, string[]> = {};
for (const group of readdirSync(DATA)) {
  for (const file of readdirSync(join(DATA, group)).filter((f) => f.endsWith('.csv'))) {
    const points = parseSeriesCsv(readFileSync(join(DATA, group, file), 'utf8'), { order: 'file' });
    detections[`${group}/${file}`] = replayAlerts(points, config).map((a) => a.timestamp);
  }
}
const dir = tempDir('vitalstream-nab-');
writeFileSync(join(dir.path, 'detections.json'), JSON.stringify(detections));
const output = execFileSync('python3', [join(SHARED, 'tools/nab_score.py'), LABELS, DATA, join(dir.path, 'detections.json')], { encoding: 'utf8' });
dir.remove();
process.stdout.write(`detector config ${JSON.stringify(config)}\n${output}`);
