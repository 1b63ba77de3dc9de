export { kinesisTransport } from './kinesis-transport.ts';
