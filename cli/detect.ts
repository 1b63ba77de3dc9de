import { readFileSync } from 'node:fs';
import { replayAlerts } from '../src/analysis/anomaly/replay.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';

// npm run --silent detect -- <file.csv>: the alerts the production detector raises on that series.
const file = process.argv[2];
if (!file) {
  console.error('usage: npm run --silent detect -- <file.csv>   (a CSV with a "timestamp,value" header)');
  process.exit(2);
}
try {
  const anomalies = replayAlerts(parseSeriesCsv(readFileSync(file, 'utf8')));
  process.stdout.write(`${JSON.stringify({ anomalies })}\n`);
} catch (error) {
  console.error(`detect: ${file}: ${(error as Error).message}`);
  process.exit(1);
}
