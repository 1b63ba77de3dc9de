// Validation compiles the beacon schema with Ajv: only the ingest paths load it.
export * from './beacon/validate-beacon.ts';
export * from './beacon/normalize-metric.ts';
export * from './beacon/schema-validators.ts';
