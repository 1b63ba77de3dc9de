import { readFileSync } from 'node:fs';
import { replayAlerts } from '../src/analysis/anomaly/replay.ts';
import { parseSeriesCsv } from '../src/analysis/series-csv.ts';

// npm run --silent detect -- <file.csv> [--file-order]: the alerts the production detector raises on that series.
const args = process.argv.slice(2);
const fileOrder = args.includes('--file-order');
const file = args.find((arg) => arg !== '--file-order');
if (!file) {
  console.error(
    'usage: npm run --silent detect -- <file.csv> [--file-order]   (a CSV with a "timestamp,value" header, timestamps increasing; --file-order accepts repeated or backward ones in file order)',
  );
  process.exit(2);
}
try {
  const anomalies = replayAlerts(parseSeriesCsv(readFileSync(file, 'utf8'), { order: fileOrder ? 'file' : 'strict' }));
  process.stdout.write(`${JSON.stringify({ anomalies })}\n`);
} catch (error) {
  console.error(`detect: ${file}: ${(error as Error).message}`);
  process.exit(1);
}
