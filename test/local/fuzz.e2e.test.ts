import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { bodyOf, rawExchange, statusOf } from '../helpers/raw-http.ts';

// `npm test` runs a fixed seed; `npm run fuzz` runs many more cases from a fresh seed it prints.
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20261201);

let p: TestPipeline;
beforeAll(async () => (p = await startTestPipeline({ maxConnections: 256 })));
afterAll(() => p.close());

const METRICS = ['custom_fuzz', 'api_request', 'web_vitals_lcp'] as const;

/** Strings an attacker tries: control characters, long runs, separators, non-ASCII, lone surrogates. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', '\r\n', '\u001b[31m', '<!channel>', '../../etc/passwd', '%00', '\ud800', '__proto__', 'x'.repeat(3000), '/courses/42?x=1#y'),
);

const metricArb = fc.record(
  {
    name: fc.oneof(fc.constantFrom(...METRICS), nasty),
    value: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1.7e308, -1.7e308, 1e15, -1e15, 0, -0)),
    unit: fc.option(fc.constantFrom('ms', 'bytes', 'count', 'score', 'furlongs'), { nil: undefined }),
    count: fc.option(fc.oneof(fc.integer({ min: -2, max: 1_000_002 }), fc.double()), { nil: undefined }),
    timestamp: fc.option(fc.oneof(fc.constant(Date.now()), fc.integer(), fc.constantFrom('2026-11-31T00:00:00Z', '2026-12-01T08:00:00', 'now')), {
      nil: undefined,
    }),
    tags: fc.option(
      fc.dictionary(fc.oneof(fc.constantFrom('app', 'page', 'endpoint', 'method', 'unit', 'flow'), nasty), fc.oneof(nasty, fc.integer(), fc.boolean()), {
        maxKeys: 6,
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['name', 'value'] },
);

const beaconArb = fc.record(
  {
    app: fc.oneof(fc.constantFrom('fuzz', 'other-app'), nasty),
    context: fc.option(
      fc.dictionary(fc.constantFrom('page', 'route', 'device', 'release', 'connection', 'service', 'sessionId', 'evil'), nasty, { maxKeys: 4 }),
      { nil: undefined },
    ),
    metrics: fc.array(metricArb, { maxLength: 6 }),
  },
  { requiredKeys: ['app', 'metrics'] },
);

/** Beacons that should be accepted, some with one bad metric among good ones. */
const goodMetricArb = fc.record(
  {
    name: fc.constant('custom_fuzz'),
    value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    unit: fc.constantFrom('ms', 'count'),
    count: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    tags: fc.option(fc.dictionary(fc.constantFrom('flow', 'step'), fc.stringMatching(/^[a-z0-9 /:.-]{0,40}$/), { maxKeys: 2 }), { nil: undefined }),
  },
  { requiredKeys: ['name', 'value', 'unit'] },
);
const goodBeaconArb = fc.record(
  {
    app: fc.constantFrom('fuzz', 'fuzz-b'),
    context: fc.option(fc.record({ page: fc.stringMatching(/^\/[a-z0-9/?=&#-]{0,60}$/), device: fc.constantFrom('mobile', 'desktop') }), { nil: undefined }),
    metrics: fc.array(fc.oneof({ weight: 5, arbitrary: goodMetricArb }, { weight: 1, arbitrary: metricArb }), { minLength: 1, maxLength: 8 }),
  },
  { requiredKeys: ['app', 'metrics'] },
);

const bodyArb = fc.oneof(
  { weight: 5, arbitrary: goodBeaconArb.map((b) => JSON.stringify(b)) },
  { weight: 3, arbitrary: beaconArb.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"app":',
      '[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]',
      '{"__proto__":{"polluted":1},"app":"fuzz","metrics":[]}',
      '\ufeff{}',
    ),
  },
);

const requestArb = fc.record({
  method: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'OPTIONS') },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'CONNECT', 'TRACE', 'X\u0000', '') },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Z!#$%&'*+.^_`|~-]{1,12}$/) },
  ),
  target: fc.oneof(
    {
      weight: 10,
      arbitrary: fc.constantFrom('/v1/beacon', '/v1/beacon', '/v1/beacon', '/v1/beacon?x=1', '/healthz', '/v1/aggregates?metric=custom_fuzz', '/v1'),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '//a:b',
        '//[::1',
        '*',
        'http://h/v1/beacon',
        'h:80',
        '/%zz',
        '/v1/../v1/beacon',
        '/\u00ff',
        '/v1/aggregates?metric=web_vitals_lcp&from=2026-11-31T00:00:00Z',
      ),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map((s) => `/${s.replace(/[\s]/g, '')}`) },
  ),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', ''),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/plain;charset=UTF-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    '',
  ),
  headers: fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('X-Forwarded-For', 'Origin', 'Transfer-Encoding', 'Expect', 'Host', 'Content-Length'), fc.stringMatching(/^[A-Za-z-]{1,20}$/)),
      fc.oneof(nasty, fc.constantFrom('chunked', '100-continue', '-1', '99999999999', 'https://evil.example')),
    ),
    { maxLength: 3 },
  ),
  body: bodyArb,
  honestLength: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

const toBytes = (r: typeof requestArb extends fc.Arbitrary<infer T> ? T : never) => {
  const body = Buffer.from(r.body);
  const lines = [`${r.method} ${r.target} ${r.version}`.trimEnd(), 'Host: 127.0.0.1'];
  if (r.contentType) lines.push(`Content-Type: ${r.contentType}`);
  if (r.honestLength) lines.push(`Content-Length: ${body.length}`);
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
  lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
};

describe('fuzzing the beacon endpoint: request line, headers and body', () => {
  it(`answers every request with a status below 500 (or closes it), stays healthy, and stores exactly what it accepted (seed ${SEED}, ${RUNS} runs)`, async () => {
    let acceptedWeight = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        // Without an answer the server must have closed the connection (Node drops CONNECT and
        // upgrades it does not serve), unless it still waits for a body the headers promised. A
        // request that promised nothing more is given 5 s, not 400 ms: a CI run once saw a CORS
        // preflight unanswered after 400 ms while other test files loaded both cores.
        const promisedMore = !request.honestLength || request.headers.some(([n]) => /^(content-length|transfer-encoding|expect)$/i.test(n));
        const { answer, closed } = await rawExchange(Number(new URL(p.pipeline.url).port), toBytes(request), promisedMore ? 400 : 5000);
        const status = statusOf(answer);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 0) expect(closed || promisedMore).toBe(true);
        else expect(status).toBeLessThan(500);
        if (status === 202) {
          const json = JSON.parse(bodyOf(answer)) as { rejected?: { index: number }[] };
          const sent = (JSON.parse(request.body) as { metrics: { count?: number }[] }).metrics;
          const rejected = new Set((json.rejected ?? []).map((r) => r.index));
          sent.forEach((m, i) => {
            if (!rejected.has(i)) acceptedWeight += m.count ?? 1;
          });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );

    console.log(
      `fuzz: ${RUNS} requests from seed ${SEED}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ${acceptedWeight} metric occurrences accepted`,
    );
    expect((await fetch(`${p.pipeline.url}/healthz`)).status).toBe(200);
    expect(await p.pipeline.consumer.drained(20_000)).toBe(true);
    const stored = [...(await p.pipeline.store.readMetrics(await storedMetricNames(), 0, Date.now() + 600_000))].reduce((n, partial) => n + partial.count, 0);
    expect(stored).toBe(acceptedWeight);
    expect(p.pipeline.stream.deadLetterCount()).toBe(0);
  });
});

/** Every metric name the store holds (the fuzzer reaches registered and custom names alike). */
async function storedMetricNames(): Promise<string[]> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(`${p.dataDir}/metrics.db`, { readOnly: true });
  const names = db
    .prepare('SELECT DISTINCT metric FROM partials')
    .all()
    .map((row) => String(row.metric));
  db.close();
  return names;
}
