import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENVELOPE_DIMENSIONS, METRICS } from '@vitalstream/protocol';

/**
 * The beacon format page's metric table, generated from the registry so the page cannot fall
 * behind it: `npm run generate:docs` rewrites it, and a test fails when the page differs.
 */
export const BEACON_FORMAT_PAGE = resolve(import.meta.dirname, '../docs/beacon-format.md');
const START = '<!-- metric table: generated from the registry by npm run generate:docs -->';
const END = '<!-- end of metric table -->';

export function metricTable(): string {
  const rows = [...METRICS.values()].map((m) =>
    [
      `\`${m.name}\``,
      m.unit,
      m.source,
      m.rating ? `${m.rating.good} / ${m.rating.poor}` : '',
      m.dimensions.join(', '),
      m.description.replaceAll('|', '\\|'),
    ].join(' | '),
  );
  return [
    START,
    `| metric | unit | source | good / poor | dimensions (besides ${ENVELOPE_DIMENSIONS.join(', ')}) | what |`,
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
    END,
  ].join('\n');
}

/** The page with its table as the registry has it; throws when the page has lost its markers. */
export function pageWithTable(page: string): string {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/beacon-format.md has lost the markers around its metric table (${START} ... ${END})`);
  return page.slice(0, from) + metricTable() + page.slice(to + END.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(BEACON_FORMAT_PAGE, pageWithTable(readFileSync(BEACON_FORMAT_PAGE, 'utf8')));
  console.log(`wrote the metric table of ${BEACON_FORMAT_PAGE} (${METRICS.size} metrics)`);
}
