import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3KeptStatistics } from '../../../lambdas/adapters/s3-kept-statistics.ts';
import type { KeptStatistics } from '../../../src/analysis/kept-statistics.ts';
import { pointsOf } from '../../../src/analysis/points.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());
const T = Date.UTC(2026, 10, 26, 12);
const history: KeptStatistics = {
  settled: T,
  series: [
    {
      metric: 'api_request',
      statistic: 'p95',
      dimensions: { app: 'shop' },
      points: pointsOf([
        [T - 900_000, 120],
        [T, 130],
      ]),
    },
  ],
};

describe('s3KeptStatistics', () => {
  it('has nothing before the first save, then round-trips the history as one gzipped object', async () => {
    const store = s3KeptStatistics(new S3Client({}), 'state-bucket', 'anomaly/h.json.gz');
    s3.on(GetObjectCommand).rejectsOnce(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    expect(await store.load()).toBeUndefined();
    s3.on(PutObjectCommand).resolves({});
    await store.save(history);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect([put.Bucket, put.Key, put.ContentEncoding]).toEqual(['state-bucket', 'anomaly/h.json.gz', 'gzip']);
    const body = put.Body as Buffer;
    expect(JSON.parse(gunzipSync(body).toString('utf8')).settled).toBe(T);
    // The SDK's streaming body, reduced to the one method the adapter uses.
    s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(body) } as never });
    expect(await store.load()).toEqual(history);
  });

  it('surfaces any other failure instead of starting over from nothing', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(s3KeptStatistics(new S3Client({}), 'b', 'k').load()).rejects.toThrow(/Access Denied/);
  });
});
