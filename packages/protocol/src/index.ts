// What the SDKs and the server agree on, with no dependency: a browser bundle and the server SDK's
// core import this entry, so it must stay free of Ajv, the sketch library and the AWS SDK.
export * from './registry/metric-definition.ts';
export * from './registry/metrics.ts';
export * from './beacon/error-fingerprint.ts';
export * from './beacon/route-template.ts';
export * from './beacon/timestamp.ts';
export * from './beacon/app-name.ts';
export * from './beacon/limits.ts';
export * from './beacon/problems.ts';
export * from './sql/fingerprint.ts';
export * from './resilience/backoff.ts';
// Generated from the schema the server validates with, so the SDKs cannot drift from it.
export type { VitalstreamBeacon as Beacon, Context as BeaconContext, Metric as BeaconMetric } from './beacon/beacon-types.ts';
