import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { beaconSchemaModule, beaconTypes, SCHEMA_MODULE_PATH, TYPES_PATH } from '../../scripts/generate-beacon-types.ts';

describe('the beacon types and schema module', () => {
  it('are what `npm run generate:types` makes of the schema today (run it after editing the schema)', async () => {
    expect(readFileSync(TYPES_PATH, 'utf8')).toBe(await beaconTypes());
    expect(readFileSync(SCHEMA_MODULE_PATH, 'utf8')).toBe(beaconSchemaModule());
  });
});

describe('the app name pattern', () => {
  it("is the beacon schema's, so a name the settings accept is one a beacon can carry", async () => {
    const { beaconSchema } = await import('../../packages/protocol/src/beacon/beacon-schema.ts');
    const { APP_NAME } = await import('../../packages/protocol/src/beacon/app-name.ts');
    expect(APP_NAME.source).toBe(beaconSchema.properties.app.pattern);
  });
});
