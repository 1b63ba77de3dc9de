import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../lambdas/ingest.ts';
import { openSqliteStream, type SqliteStream } from '../../local/adapters/sqlite-stream.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { decodeStreamRecord } from '@vitalstream/protocol/stream';
import { beacon, metric, NOW } from '../helpers/beacons.ts';
import { headers, httpEvent, json, status } from '../helpers/http-events.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

let dir: ReturnType<typeof tempDir>;
let stream: SqliteStream;
const silent = { error: () => undefined };
const ingestWith = (s: SqliteStream) =>
  createIngestHandler({
    stream: s,
    allowedOrigins: ['https://shop.example.com', 'http://localhost:*'],
    clock: { now: () => NOW },
    newId: () => 'id-1',
    logger: silent,
  });
const post = (body: string, contentType = 'application/json', origin?: string) =>
  ingestWith(stream)(
    httpEvent('POST', '/v1/beacon', { body, headers: { 'content-type': contentType, ...(origin ? { origin } : {}) } }),
    localContext('ingest'),
  );

beforeEach(() => {
  dir = tempDir();
  stream = openSqliteStream(`${dir.path}/stream.db`);
});
afterEach(() => {
  stream.close();
  dir.remove();
});

describe('ingest handler', () => {
  it('answers 202 only after the record is in the durable log', async () => {
    const result = await post(JSON.stringify(beacon()), 'text/plain;charset=UTF-8');
    expect(status(result)).toBe(202);
    expect(json(result)).toEqual({ accepted: 1 });
    const [logged] = stream.read(0, 10);
    expect(decodeStreamRecord(logged!.data)).toMatchObject({ beaconId: 'id-1', common: { app: 'shop-web', page: '/courses/:id' } });
  });

  it('stores the good metrics of a mixed beacon and lists the refused ones', async () => {
    const result = await post(JSON.stringify(beacon({ metrics: [metric(), metric({ value: Number.MAX_VALUE })] })));
    expect(status(result)).toBe(202);
    expect(json(result)).toEqual({ accepted: 1, rejected: [{ index: 1, reason: expect.stringMatching(/above web_vitals_lcp's maximum/) }] });
    expect(stream.lastSeq()).toBe(1);
  });

  it.each([
    ['malformed JSON', '{"app":', 'application/json', 400, /not valid JSON/],
    ['a wrong content type', JSON.stringify(beacon()), 'application/xml', 415, /content-type 'application\/xml'/],
    ['an oversized body', JSON.stringify(beacon({ app: 'a', pad: 'x'.repeat(70_000) })), 'application/json', 413, /64 KiB/],
    ['a bad envelope', JSON.stringify({ metrics: [metric()] }), 'application/json', 400, /app is required/],
    ['only refused metrics', JSON.stringify(beacon({ metrics: [metric({ value: -5 })] })), 'application/json', 400, /all 1 metrics were refused/],
  ])('refuses %s with a JSON explanation and stores nothing', async (_, body, type, code, message) => {
    const result = await post(body, type);
    expect(status(result)).toBe(code);
    expect(headers(result)['content-type']).toMatch(/application\/json/);
    expect(json(result).message).toMatch(message);
    expect(stream.lastSeq()).toBe(0);
  });

  it('echoes an allowed origin with credentials and never answers *', async () => {
    const allowed = await post(JSON.stringify(beacon()), 'text/plain', 'https://shop.example.com');
    expect(headers(allowed)['Access-Control-Allow-Origin']).toBe('https://shop.example.com');
    expect(headers(allowed)['Access-Control-Allow-Credentials']).toBe('true');
    const wildcard = await post(JSON.stringify(beacon()), 'text/plain', 'http://localhost:5173');
    expect(headers(wildcard)['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
    const stranger = await post(JSON.stringify(beacon()), 'text/plain', 'https://evil.example.net');
    expect(headers(stranger)['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers preflight for allowed origins', async () => {
    const result = await ingestWith(stream)(
      httpEvent('OPTIONS', '/v1/beacon', {
        headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
      localContext('ingest'),
    );
    expect(status(result)).toBe(204);
    expect(headers(result)['Access-Control-Allow-Methods']).toBe('POST,OPTIONS');
  });

  it('answers 503 instead of 202 when the stream cannot store the beacon', async () => {
    const broken = openSqliteStream(`${dir.path}/broken.db`);
    broken.close();
    const result = await ingestWith(broken)(
      httpEvent('POST', '/v1/beacon', { body: JSON.stringify(beacon()), headers: { 'content-type': 'application/json' } }),
      localContext('ingest'),
    );
    expect(status(result)).toBe(503);
    expect(json(result).message).toMatch(/not accepted; retry/);
  });

  it('decodes base64 bodies as API Gateway may send them', async () => {
    const event = httpEvent('POST', '/v1/beacon', {
      body: Buffer.from(JSON.stringify(beacon())).toString('base64'),
      headers: { 'content-type': 'application/json' },
    });
    const result = await ingestWith(stream)({ ...event, isBase64Encoded: true }, localContext('ingest'));
    expect(status(result)).toBe(202);
  });
});
