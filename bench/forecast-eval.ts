import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { medianStep } from '../src/analysis/series-step.ts';
import { forecastSeasonal, forecastSeasonalNaive } from '../src/analysis/forecast/seasonal-profile.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';

/**
 * Rolling-origin evaluation on series with daily/weekly cycles: at each origin, train on everything
 * before it and forecast the next 7 days (or `horizonDays`). MASE scales errors by the in-sample MAE
 * of the one-week seasonal-naive forecast (one day for short series), for both forecasters.
 */
const SHARED = resolve(process.env.VITALSTREAM_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const FILES: [string, number, number][] = [
  // file, horizon in days, days between origins
  ['realKnownCause/nyc_taxi.csv', 7, 14],
  ['realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv', 1, 1],
  ['realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv', 1, 1],
];

const out = (line: string) => process.stdout.write(`${line}\n`);
out('file                                              origins  horizon  MASE ours  MASE seasonal-naive  95% interval coverage');
let totals = { ours: 0, naive: 0, covered: 0, points: 0, origins: 0 };
for (const [file, horizonDays, everyDays] of FILES) {
  const points = parseSeriesCsv(readFileSync(join(SHARED, 'data/nab/data', file), 'utf8'));
  const values = points.map((p) => p.value);
  const step = medianStep(points.map((p) => p.time));
  const perDay = Math.round(86_400_000 / step);
  const horizon = horizonDays * perDay;
  const minTrain = Math.min(5 * 7 * perDay, Math.floor(values.length * 0.5));
  let ours = 0;
  let naive = 0;
  let covered = 0;
  let count = 0;
  let origins = 0;
  for (let origin = minTrain; origin + horizon <= values.length; origin += everyDays * perDay) {
    const train = values.slice(0, origin);
    const actual = values.slice(origin, origin + horizon);
    const season = train.length >= 14 * perDay ? 7 * perDay : perDay;
    const scale = train.slice(season).reduce((s, v, i) => s + Math.abs(v - train[i]!), 0) / (train.length - season);
    const forecast = forecastSeasonal(train, step, points[origin - 1]!.time, horizon);
    const baseline = forecastSeasonalNaive(train, step, horizon);
    actual.forEach((a, h) => {
      ours += Math.abs(a - forecast[h]!.value) / scale;
      naive += Math.abs(a - baseline[h]!) / scale;
      if (a >= forecast[h]!.lower && a <= forecast[h]!.upper) covered += 1;
      count += 1;
    });
    origins += 1;
  }
  out(`${file.padEnd(50)}${String(origins).padStart(7)}  ${`${horizonDays} d`.padStart(7)}  ${(ours / count).toFixed(3).padStart(9)}  ${(naive / count).toFixed(3).padStart(19)}  ${(100 * covered / count).toFixed(1).padStart(20)} %`);
  totals = { ours: totals.ours + ours / count, naive: totals.naive + naive / count, covered: totals.covered + covered, points: totals.points + count, origins: totals.origins + origins };
}
out(`mean over files: MASE ${(totals.ours / FILES.length).toFixed(3)} vs seasonal naive ${(totals.naive / FILES.length).toFixed(3)}; coverage ${(100 * totals.covered / totals.points).toFixed(1)} % of ${totals.points} forecast points from ${totals.origins} origins`);
