import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DETECTOR, type DetectorConfig } from '../src/analysis/anomaly/detector.ts';
import { replayAlerts } from '../src/analysis/anomaly/replay.ts';
import { parseSeriesCsv, type CsvPoint } from '../src/analysis/series-csv.ts';
import { tempDir } from './support/temp-dir.ts';

/**
 * Leave one category out: for each of the four folders, pick the best of a small grid of the
 * detector's one constant of ours (the range margin) on the other three (NAB standard profile)
 * and score the held-out folder with it. The held-out raw scores, added up and normalized over
 * all files, are the figure: what the choice gives on series it did not see.
 */
const SHARED = resolve(process.env.VITALSTREAM_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const DATA = join(SHARED, 'data/nab/data');
const LABELS = join(SHARED, 'data/nab/labels/combined_windows.json');
const windows = JSON.parse(readFileSync(LABELS, 'utf8')) as Record<string, unknown[]>;

const GRID: Partial<DetectorConfig>[] = [0, 0.25, 0.5, 1, 2].map((rangeMargin) => ({ rangeMargin }));

const files: { category: string; key: string; points: CsvPoint[] }[] = [];
for (const category of readdirSync(DATA).sort()) {
  for (const file of readdirSync(join(DATA, category)).filter((f) => f.endsWith('.csv')))
    files.push({ category, key: `${category}/${file}`, points: parseSeriesCsv(readFileSync(join(DATA, category, file), 'utf8'), { order: 'file' }) });
}

/** Raw NAB standard score per file, from the shared scorer's per-file table. */
function rawScores(config: DetectorConfig): Map<string, number> {
  const detections = Object.fromEntries(files.map((f) => [f.key, replayAlerts(f.points, config).map((a) => a.timestamp)]));
  const dir = tempDir('vitalstream-loco-');
  writeFileSync(join(dir.path, 'detections.json'), JSON.stringify(detections));
  const output = execFileSync('python3', [join(SHARED, 'tools/nab_score.py'), LABELS, DATA, join(dir.path, 'detections.json')], { encoding: 'utf8' });
  dir.remove();
  const raws = new Map<string, number>();
  for (const line of output.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells.length >= 12 && windows[cells[0]!] !== undefined) raws.set(cells[0]!, Number(cells[10]));
  }
  return raws;
}

const windowCount = (keys: readonly string[]) => keys.reduce((n, k) => n + (windows[k]?.length ?? 0), 0);
const normalized = (raw: number, count: number) => (100 * (raw + count)) / (2 * count);

const results = GRID.map((overrides, i) => {
  process.stderr.write(`\rscoring grid point ${i + 1} of ${GRID.length}`);
  return { overrides, raws: rawScores({ ...DEFAULT_DETECTOR, ...overrides }) };
});
process.stderr.write('\n');
const everyFile = files.map((f) => f.key);
for (const { overrides, raws } of results)
  console.log(
    `${JSON.stringify(overrides)}: NAB ${normalized(
      everyFile.reduce((n, k) => n + (raws.get(k) ?? 0), 0),
      windowCount(everyFile),
    ).toFixed(1)} on all files`,
  );
const categories = [...new Set(files.map((f) => f.category))];
let heldOutRaw = 0;
for (const held of categories) {
  const train = files.filter((f) => f.category !== held).map((f) => f.key);
  const test = files.filter((f) => f.category === held).map((f) => f.key);
  const sum = (raws: Map<string, number>, keys: string[]) => keys.reduce((n, k) => n + (raws.get(k) ?? 0), 0);
  const best = results.reduce((a, b) => (sum(b.raws, train) > sum(a.raws, train) ? b : a));
  const raw = sum(best.raws, test);
  heldOutRaw += raw;
  const count = windowCount(test);
  console.log(
    `held out ${held.padEnd(22)} chose ${JSON.stringify(best.overrides)}: ${count > 0 ? `NAB ${normalized(raw, count).toFixed(1)}` : 'no windows'} (raw ${raw.toFixed(3)})`,
  );
}
const all = files.map((f) => f.key);
const defaults = rawScores(DEFAULT_DETECTOR);
console.log(
  `leave-one-category-out NAB standard: ${normalized(heldOutRaw, windowCount(all)).toFixed(1)} (each folder scored with settings chosen on the other three; the default configuration scores ${normalized(
    all.reduce((n, k) => n + (defaults.get(k) ?? 0), 0),
    windowCount(all),
  ).toFixed(1)} on all of them)`,
);
