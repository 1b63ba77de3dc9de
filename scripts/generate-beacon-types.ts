import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const PROTOCOL = resolve(import.meta.dirname, '../packages/protocol');
export const SCHEMA_PATH = join(PROTOCOL, 'schema/beacon.schema.json');
export const TYPES_PATH = join(PROTOCOL, 'src/beacon/beacon-types.ts');
export const SCHEMA_MODULE_PATH = join(PROTOCOL, 'src/beacon/beacon-schema.ts');
const BANNER = '// Generated from schema/beacon.schema.json by `npm run generate:types`; edit the schema, not this file.';

/** The beacon's TypeScript types, generated from the one JSON Schema the server validates with. */
export async function beaconTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  return compile(schema, 'Beacon', {
    bannerComment: BANNER,
    additionalProperties: false,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

/**
 * The schema as a module: Node 20 warns on every JSON import and a bundler would need a loader,
 * so the validator imports this copy, checked against the file by a test.
 */
export function beaconSchemaModule(): string {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  return `${BANNER}\n\nexport const beaconSchema = ${JSON.stringify(schema, null, 2)};\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(TYPES_PATH, await beaconTypes());
  writeFileSync(SCHEMA_MODULE_PATH, beaconSchemaModule());
  console.log(`wrote ${TYPES_PATH} and ${SCHEMA_MODULE_PATH}`);
}
