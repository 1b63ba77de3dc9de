import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEACON_FORMAT_PAGE, pageWithTable } from '../../scripts/metric-table.ts';

describe('the beacon format page', () => {
  it('lists every registered metric as the registry has it (npm run generate:docs)', () => {
    const page = readFileSync(BEACON_FORMAT_PAGE, 'utf8');
    expect(page).toBe(pageWithTable(page));
  });
});
