// Loads @aws-sdk/client-kinesis, an optional peer: only the ingest handler and the SDK's Kinesis transport import it.
export * from './kinesis/kinesis-stream.ts';
