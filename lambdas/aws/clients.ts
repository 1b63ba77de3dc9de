import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The AWS SDK clients every entry point uses, built one way. Each retries by itself in adaptive
 * mode (it also slows down when the service throttles), so no adapter wraps its calls in a loop
 * of its own. Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_<SERVICE>), which
 * is how the wire tests point these same clients at protocol servers on loopback.
 */
const retries = { maxAttempts: 4, retryMode: 'adaptive' } as const;

// PutRecords needs no HTTP/2 (only SubscribeToShard does), and HTTP/1.1 keeps connections alive in Lambda.
export const kinesisClient = () => new KinesisClient({ ...retries, requestHandler: new NodeHttpHandler() });
export const dynamoClient = () => new DynamoDBClient(retries);
export const snsClient = () => new SNSClient(retries);
export const s3Client = () =>
  new S3Client({
    ...retries,
    // Checksums only where S3 requires them: a streamed body otherwise carries aws-chunked framing.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    // A local protocol server answers on one host, so buckets go in the path there.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  });
