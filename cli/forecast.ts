import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatLike } from '../src/analysis/forecast/format-time.ts';
import { medianStep } from '../src/analysis/series-step.ts';
import { forecastSeasonal } from '../src/analysis/forecast/seasonal-profile.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';

// npm run --silent forecast -- <file.csv> --train-until "<timestamp>" --horizon <n points>
const usage = 'usage: npm run --silent forecast -- <file.csv> --train-until "<timestamp>" --horizon <n points> [--file-order]';
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'train-until': { type: 'string' }, horizon: { type: 'string' }, 'file-order': { type: 'boolean' } },
  });
  const file = positionals[0];
  const horizon = Number(values.horizon);
  if (!file || !values['train-until'] || !Number.isInteger(horizon) || horizon < 1 || horizon > 100_000) throw new Error(usage);
  const points = parseSeriesCsv(readFileSync(file, 'utf8'), { order: values['file-order'] ? 'file' : 'strict' });
  const [cut] = parseTrainUntil(values['train-until']);
  const training = points.filter((p) => p.time <= cut!.time);
  if (training.length < 2) throw new Error(`fewer than 2 points at or before ${values['train-until']}`);
  const step = medianStep(training.map((p) => p.time));
  const last = training.at(-1)!;
  const forecast = forecastSeasonal(
    training.map((p) => p.value),
    step,
    last.time,
    horizon,
  ).map((f) => ({
    timestamp: formatLike(last.raw, f.time),
    value: round(f.value),
    lower: round(f.lower),
    upper: round(f.upper),
  }));
  process.stdout.write(`${JSON.stringify({ forecast })}\n`);
} catch (error) {
  console.error(`forecast: ${(error as Error).message}`);
  process.exit(1);
}

function parseTrainUntil(raw: string) {
  try {
    return parseSeriesCsv(`timestamp,value\n${raw},0`);
  } catch {
    throw new Error(`--train-until '${raw}' is not a timestamp (use the file's format, e.g. "2014-12-01 00:00:00")`);
  }
}

function round(v: number): number {
  return Number(v.toPrecision(8));
}
