import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nabScores, PUBLISHED_THRESHOLDS, type NabDetectorName } from '../src/analysis/anomaly/nab-run.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';
import { tempDir } from './support/temp-dir.ts';

/**
 * How faithfully our reimplementations of published NAB detectors reproduce them, on the
 * development files only: per file, the share of rows whose score is within 0.01 of the score NAB
 * publishes, and the NAB score of our detections at NAB's published threshold beside that of the
 * published scores at the same threshold (both through the shared scorer).
 * Usage: npm run nab:fidelity [-- contextOSE|ARTime]
 */
const SHARED = resolve(process.env.VITALSTREAM_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const DATA = join(SHARED, 'data/nab/data');
const LABELS = join(SHARED, 'data/nab/labels/combined_windows.json');
const PUBLISHED = resolve(import.meta.dirname, '../test/fixtures/nab/published');
const detectors = (process.argv[2] ? [process.argv[2]] : Object.keys(PUBLISHED_THRESHOLDS)) as NabDetectorName[];

const score = (detections: Record<string, string[]>): string => {
  const dir = tempDir('vitalstream-fidelity-');
  writeFileSync(join(dir.path, 'detections.json'), JSON.stringify(detections));
  const output = execFileSync('python3', [join(SHARED, 'tools/nab_score.py'), LABELS, DATA, join(dir.path, 'detections.json')], { encoding: 'utf8' });
  dir.remove();
  return /standard\s+normalized\s+(-?[\d.]+)/.exec(output)?.[1] ?? 'unreadable';
};

for (const detector of detectors) {
  const threshold = PUBLISHED_THRESHOLDS[detector];
  const ours: Record<string, string[]> = {};
  const theirs: Record<string, string[]> = {};
  let [rows, within] = [0, 0];
  console.log(`${detector} (threshold ${threshold})\n| file | rows within 0.01 | ms |\n|---|---|---|`);
  for (const group of readdirSync(DATA)) {
    for (const file of readdirSync(join(DATA, group)).filter((f) => f.endsWith('.csv'))) {
      const key = `${group}/${file}`;
      const points = parseSeriesCsv(readFileSync(join(DATA, key), 'utf8'), { order: 'file' });
      const published = readFileSync(join(PUBLISHED, detector, key), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map(Number);
      const started = performance.now();
      const scores = nabScores(
        detector,
        points.map((p) => p.value),
      );
      const ms = performance.now() - started;
      const close = scores.filter((s, i) => Math.abs(s - published[i]!) <= 0.01).length;
      [rows, within] = [rows + scores.length, within + close];
      ours[key] = points.filter((_, i) => scores[i]! >= threshold).map((p) => p.raw);
      theirs[key] = points.filter((_, i) => published[i]! >= threshold).map((p) => p.raw);
      console.log(`| ${key} | ${close} of ${scores.length} (${((100 * close) / scores.length).toFixed(2)} %) | ${ms.toFixed(0)} |`);
    }
  }
  console.log(
    `${detector}: ${within} of ${rows} rows within 0.01 (${((100 * within) / rows).toFixed(2)} %); NAB standard at the published threshold: ours ${score(ours)}, published scores ${score(theirs)}\n`,
  );
}
