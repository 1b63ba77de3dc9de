import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import type { KeptStatisticsStore } from '../../src/ports.ts';
import { decodeHistory, encodeHistoryChunks } from '../../src/analysis/kept-statistics.ts';
import { gzipChunks } from './gzip-chunks.ts';

/**
 * The detector's bucket statistics as one gzipped object: tens of MB at 10,000 series, too big
 * for a DynamoDB item (400 KB), and Timestream would bill a 30 s query to read it back. One GET
 * and one PUT a detection run cost a fraction of a cent a month.
 */
export function s3KeptStatistics(client: S3Client, bucket: string, key: string): KeptStatisticsStore {
  return {
    async load() {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const bytes = await response.Body!.transformToByteArray();
        return decodeHistory(gunzipSync(bytes).toString('utf8'));
      } catch (error) {
        if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async save(history) {
      const body = await gzipChunks(encodeHistoryChunks(history));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ContentEncoding: 'gzip' }));
    },
  };
}
