import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { beaconSchemaModule, beaconTypes, SCHEMA_MODULE_PATH, TYPES_PATH } from '../../scripts/generate-beacon-types.ts';

describe('the beacon types and schema module', () => {
  it('are what `npm run generate:types` makes of the schema today (run it after editing the schema)', async () => {
    expect(readFileSync(TYPES_PATH, 'utf8')).toBe(await beaconTypes());
    expect(readFileSync(SCHEMA_MODULE_PATH, 'utf8')).toBe(beaconSchemaModule());
  });
});
