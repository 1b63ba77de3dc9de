import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { blend, dailyAutocorrelation, forecastByBacktest, hourlyMeans, loadMstl, type Forecaster } from './forecast-candidates.ts';
import { forecastSeasonal, forecastSeasonalNaive, type ForecastPoint } from '../src/analysis/forecast/seasonal-profile.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';
import { FORECAST_MODELS, forecastByBacktest as productForecast } from '../src/analysis/forecast/model-choice.ts';

/**
 * Rolling-origin evaluation, at the hourly step the scheduled forecasts run on, over every
 * development file with a daily cycle (autocorrelation at one day of at least 0.3): at each
 * origin, train on everything before it and forecast a day ahead (a week for series of over
 * eight weeks). Each forecaster's MAE is divided by seasonal naive's on the same points.
 */
const SHARED = resolve(process.env.VITALSTREAM_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const DATA = join(SHARED, 'data/nab/data');
const HOUR = 3_600_000;

const mstl = loadMstl();
const candidates: Record<string, Forecaster> = {
  profile: (values, lastTime, horizon) => forecastSeasonal(values, HOUR, lastTime, horizon),
  'half-off': (values, lastTime, horizon) => forecastSeasonal(values, HOUR, lastTime, horizon, { offsetWeight: 0.5, offsetHalfLife: Infinity }),
  mstl: (values, lastTime, horizon) => mstl(values, HOUR, lastTime, horizon),
};
candidates.blend = blend([candidates.profile!, candidates.mstl!]);
// The product's forecaster: a backtest on the series' own last days picks the model, conformal intervals.
candidates.product = (values, lastTime, horizon) => productForecast(values, HOUR, lastTime, horizon).points;
const withMstl = {
  ...FORECAST_MODELS,
  mstl: (values: readonly number[], stepMs: number, lastTime: number, horizon: number) => mstl(values, stepMs, lastTime, horizon).map((p) => p.value),
};
candidates['prod+mstl'] = (values, lastTime, horizon) => productForecast(values, HOUR, lastTime, horizon, withMstl).points;
const chosenModels: Record<string, Record<string, number>> = {};
candidates.choice = forecastByBacktest([candidates.profile!, candidates.mstl!, candidates.blend!]);

// The profile forecaster's two tuned constants, over the grid the split chooses from.
const grid: Record<string, Forecaster> = {};
for (const agreement of [1, 2, 3, 5]) {
  for (const offsetHalfLife of [0.125, 0.25, 0.5, 1]) {
    grid[`agreement ${agreement}, half-life ${offsetHalfLife} d`] = (values, lastTime, horizon) =>
      forecastSeasonal(values, HOUR, lastTime, horizon, { agreement, offsetHalfLife });
  }
}
const evaluated = { ...candidates, ...grid };

interface Row {
  file: string;
  origins: number;
  horizon: number;
  ratio: Record<string, number>;
  coverage: Record<string, number>;
}
const rows: Row[] = [];
const out = (line: string) => process.stdout.write(`${line}\n`);
for (const category of readdirSync(DATA).sort()) {
  for (const name of readdirSync(join(DATA, category))
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const file = `${category}/${name}`;
    const hourly = hourlyMeans(parseSeriesCsv(readFileSync(join(DATA, file), 'utf8'), { order: 'file' }));
    const values = hourly.map((p) => p[1]);
    if (values.length < 10 * 24 || !(dailyAutocorrelation(values) >= 0.3)) continue;
    const horizon = values.length >= 8 * 168 ? 168 : 24;
    const every = horizon === 168 ? 14 * 24 : 24;
    const minTrain = horizon === 168 ? 5 * 168 : 7 * 24;
    const abs: Record<string, number> = {};
    const covered: Record<string, number> = {};
    let naive = 0;
    let points = 0;
    let origins = 0;
    for (let origin = minTrain; origin + horizon <= values.length; origin += every) {
      const train = values.slice(0, origin);
      const actual = values.slice(origin, origin + horizon);
      const baseline = forecastSeasonalNaive(train, HOUR, horizon);
      actual.forEach((a, h) => {
        naive += Math.abs(a - baseline[h]!);
      });
      const chosen = productForecast(train, HOUR, hourly[origin - 1]![0], horizon).model;
      (chosenModels[file] ??= {})[chosen] = (chosenModels[file]?.[chosen] ?? 0) + 1;
      for (const [label, forecaster] of Object.entries(evaluated)) {
        const forecast: ForecastPoint[] = forecaster(train, hourly[origin - 1]![0], horizon);
        actual.forEach((a, h) => {
          abs[label] = (abs[label] ?? 0) + Math.abs(a - forecast[h]!.value);
          if (a >= forecast[h]!.lower && a <= forecast[h]!.upper) covered[label] = (covered[label] ?? 0) + 1;
        });
      }
      points += horizon;
      origins += 1;
    }
    // A series that repeats exactly (noise-free artificial files) leaves seasonal naive nothing to beat.
    if (naive === 0) {
      out(`${file}: seasonal naive is exact here; left out of the means`);
      continue;
    }
    const ratio = Object.fromEntries(Object.keys(evaluated).map((k) => [k, (abs[k] ?? 0) / naive]));
    const coverage = Object.fromEntries(Object.keys(evaluated).map((k) => [k, (covered[k] ?? 0) / points]));
    rows.push({ file, origins, horizon, ratio, coverage });
  }
}

const labels = Object.keys(candidates);
out(
  `MAE / seasonal naive's MAE (lower is better; 0.8 is the goal) and interval coverage (95 % nominal for the others, 90 % for product and prod+mstl), hourly, rolling origins; prod+mstl is the product's backtest choice with augurs' MSTL among its models`,
);
out(`${'file'.padEnd(58)} origins horizon  ${labels.map((l) => `${l.padStart(8)} cover`).join('  ')}`);
for (const r of rows)
  out(
    `${r.file}: the product chose ${Object.entries(chosenModels[r.file] ?? {})
      .map(([m, n]) => `${m} at ${n} of ${r.origins} origins`)
      .join(', ')}`,
  );
for (const r of rows)
  out(
    `${r.file.padEnd(58)} ${String(r.origins).padStart(7)} ${`${r.horizon} h`.padStart(7)}  ${labels.map((l) => `${r.ratio[l]!.toFixed(3).padStart(8)} ${(100 * r.coverage[l]!).toFixed(0).padStart(4)}%`).join('  ')}`,
  );
const mean = (list: Row[], label: string, of: 'ratio' | 'coverage') => list.reduce((n, r) => n + r[of][label]!, 0) / list.length;
out(
  `${'mean over files'.padEnd(74)}  ${labels.map((l) => `${mean(rows, l, 'ratio').toFixed(3).padStart(8)} ${(100 * mean(rows, l, 'coverage')).toFixed(0).padStart(4)}%`).join('  ')}`,
);
out(
  `the profile's constants over all files: ${Object.keys(grid)
    .map((k) => `${k.replace('agreement ', 'a').replace(', half-life ', '/').replace(' d', '')} ${mean(rows, k, 'ratio').toFixed(3)}`)
    .join(', ')}`,
);
// The split: files in alternate order. The profile's constants that do best on one half are reported on the other.
const halves = [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
const settings = Object.keys(grid);
const untuned: { ratio: number; coverage: number }[] = [];
for (const [tune, report] of [
  [halves[0]!, halves[1]!],
  [halves[1]!, halves[0]!],
] as [Row[], Row[]][]) {
  const chosen = settings.reduce((a, b) => (mean(tune, b, 'ratio') < mean(tune, a, 'ratio') ? b : a));
  for (const r of report) untuned.push({ ratio: r.ratio[chosen]!, coverage: r.coverage[chosen]! });
  out(
    `tuned on ${tune.map((r) => r.file.replace(/.*\//, '').replace('.csv', '')).join(', ')}: profile with ${chosen}; on the other ${report.length} files it scores ${mean(report, chosen, 'ratio').toFixed(3)} of seasonal naive's MAE, ${(100 * mean(report, chosen, 'coverage')).toFixed(0)} % coverage`,
  );
}
const untunedMean = (of: 'ratio' | 'coverage') => untuned.reduce((n, r) => n + r[of], 0) / untuned.length;
out(
  `every file scored with constants tuned on the other half: ${untunedMean('ratio').toFixed(3)} of seasonal naive's MAE, ${(100 * untunedMean('coverage')).toFixed(0)} % coverage`,
);
