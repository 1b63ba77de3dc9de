export * from './stream/record.ts';
export * from './stream/chunk-entries.ts';
export * from './stream/stream-port.ts';
export * from './resilience/resubmit.ts';
