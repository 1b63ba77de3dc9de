import { describe, expect, it } from 'vitest';
import { validateBeacon } from '@vitalstream/protocol/validate';
import { beacon, metric, NOW } from '../../helpers/beacons.ts';

const validate = (body: unknown) => validateBeacon(body, NOW, 'beacon-1');

function refusal(body: unknown) {
  const result = validate(body);
  if (result.ok) throw new Error('expected a refusal');
  return result.refusal;
}

describe('validateBeacon', () => {
  it('normalizes a good beacon into one stream record', () => {
    const result = validate(beacon());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rejected).toEqual([]);
    expect(result.value.record).toEqual({
      v: 1,
      beaconId: 'beacon-1',
      receivedAt: NOW,
      common: { app: 'shop-web', page: '/courses/:id', device: 'mobile', release: '1.4.2', connection: '4g' },
      metrics: [{ name: 'web_vitals_lcp', value: 2310.5, timestamp: NOW - 1000, source: 'browser', dimensions: { navigation_type: 'navigate' } }],
    });
  });

  it('names every envelope problem with its path', () => {
    const r = refusal({ context: { device: 'fridge', extra: 1 }, metrics: [], more: true });
    expect(r.status).toBe(400);
    const paths = r.problems!.map((p) => p.path).sort();
    expect(paths).toEqual(['app', 'context.device', 'context.extra', 'metrics', 'more']);
    expect(r.problems!.find((p) => p.path === 'app')!.reason).toBe('is required');
    expect(r.problems!.find((p) => p.path === 'context.device')!.reason).toMatch(/must be one of "mobile"/);
    expect(r.problems!.find((p) => p.path === 'metrics')!.reason).toMatch(/fewer than 1/);
  });

  it('refuses more than 500 metrics', () => {
    const r = refusal(beacon({ metrics: Array.from({ length: 501 }, () => metric()) }));
    expect(r.problems).toEqual([{ path: 'metrics', reason: 'must NOT have more than 500 items' }]);
  });

  it('refuses non-object bodies', () => {
    expect(refusal([1, 2]).message).toMatch(/must be object/);
    expect(refusal('text').message).toMatch(/must be object/);
  });

  it('stores the good metrics and reports the refused ones by index', () => {
    const result = validate(
      beacon({
        metrics: [
          metric(),
          metric({ name: 'web_vitals_cls', value: -0.1, unit: 'score', tags: {} }),
          metric({ value: 'fast' }),
          metric({ name: 'not_a_metric' }),
          metric({ timestamp: NOW - 25 * 3600_000 }),
          metric({ timestamp: NOW + 6 * 60_000 }),
          metric({ unit: 's' }),
          metric({ tags: { favourite_colour: 'blue' } }),
          metric({ value: 1e12 }),
          metric({ timestamp: '2026-11-26T19:01:00' }),
          metric({ timestamp: Math.floor(NOW / 1000) }),
        ],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.record.metrics).toHaveLength(1);
    const reasons = Object.fromEntries(result.value.rejected.map((r) => [r.index, r.reason]));
    expect(reasons[1]).toBe("value -0.1 is below web_vitals_cls's minimum 0");
    expect(reasons[2]).toBe('value must be number');
    expect(reasons[3]).toMatch(/unknown metric 'not_a_metric'; custom metrics must be named custom_<name>/);
    expect(reasons[4]).toMatch(/more than 24 h old/);
    expect(reasons[5]).toMatch(/more than 5 min in the future/);
    expect(reasons[6]).toBe("unit 's' does not match web_vitals_lcp's unit 'ms'");
    expect(reasons[7]).toMatch(/tag 'favourite_colour' is not registered for web_vitals_lcp \(allowed: navigation_type/);
    expect(reasons[8]).toMatch(/above web_vitals_lcp's maximum/);
    expect(reasons[9]).toMatch(/ISO 8601 with a zone/);
    expect(reasons[10]).toMatch(/seconds instead of milliseconds/);
  });

  it('refuses the whole beacon when every metric is refused, naming each', () => {
    const r = refusal(beacon({ metrics: [metric({ value: -1 }), metric({ name: 'Bad Name' })] }));
    expect(r.message).toMatch(/all 2 metrics were refused/);
    expect(r.problems).toEqual([
      { path: 'metrics[0]', reason: "value -1 is below web_vitals_lcp's minimum 0" },
      { path: 'metrics[1].name', reason: 'does not match the expected format ^[a-z][a-z0-9_]{0,127}$' },
    ]);
  });

  it('limits tags: count, key shape, value length and control characters', () => {
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const result = validate(
      beacon({
        metrics: [
          metric(),
          metric({ tags: many }),
          metric({ tags: { 'bad-key': 'x' } }),
          metric({ tags: { navigation_type: 'x'.repeat(300) } }),
          metric({ tags: { navigation_type: 'a\u0000b' } }),
          metric({ tags: { navigation_type: 'x'.repeat(200) } }),
          metric({ tags: { navigation_type: { nested: true } } }),
        ],
      }),
    );
    if (!result.ok) throw new Error('expected partial acceptance');
    const reasons = Object.fromEntries(result.value.rejected.map((r) => [r.index, r.reason]));
    expect(reasons[1]).toMatch(/more than 16 properties/);
    expect(reasons[2]).toMatch(/tags\["bad-key"\] is not a valid tag key/);
    expect(reasons[3]).toMatch(/more than 256 characters/);
    expect(reasons[4]).toMatch(/must not contain control characters/);
    expect(reasons[5]).toMatch(/dimension values are limited to 128/);
    expect(reasons[6]).toMatch(/must be string or number or boolean/);
  });

  it('accepts ISO timestamps, defaults a missing one to receipt time, and keeps only dimension tags', () => {
    const result = validate(
      beacon({
        metrics: [
          metric({ timestamp: '2026-11-26T19:00:00.250Z', tags: { navigation_type: 'reload', rating: 'good', delta: 12 } }),
          { name: 'api_request', value: 120, tags: { endpoint: '/api/orders/981', method: 'GET', status_code: 200, status_class: '2xx' } },
        ],
      }),
    );
    if (!result.ok) throw new Error(result.refusal.message);
    const [lcp, api] = result.value.record.metrics;
    expect(lcp).toMatchObject({ timestamp: Date.UTC(2026, 10, 26, 19, 0, 0, 250), dimensions: { navigation_type: 'reload' } });
    expect(api).toEqual({
      name: 'api_request',
      value: 120,
      timestamp: NOW,
      source: 'server',
      dimensions: { endpoint: '/api/orders/:id', method: 'GET', status_code: '200', status_class: '2xx' },
    });
  });

  it('accepts custom metrics with a unit and their tags as dimensions, and function_ families', () => {
    const result = validate(
      beacon({
        metrics: [
          { name: 'custom_checkout_steps', value: -2, unit: 'count', tags: { flow: 'express' } },
          { name: 'custom_no_unit', value: 1 },
          { name: 'function_render_invoice', value: 15, tags: { function_name: 'render_invoice', status: 'success' } },
          { name: 'custom_too_many', value: 1, unit: 'count', tags: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
        ],
      }),
    );
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.metrics.map((m) => m.name)).toEqual(['custom_checkout_steps', 'function_render_invoice']);
    expect(result.value.record.metrics[0]!.dimensions).toEqual({ flow: 'express', unit: 'count' });
    expect(result.value.rejected.map((r) => r.reason)).toEqual([
      "custom metric 'custom_no_unit' must declare a unit",
      'custom metrics may carry at most 5 tags (each becomes a dimension); got 6',
    ]);
  });

  it('prefers the route the app passes over the raw page and never stores session or user ids', () => {
    const result = validate(beacon({ context: { page: '/p/9?email=a@b.c', route: '/p/:productId', sessionId: 's', userIdHash: 'h' } }));
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.common).toEqual({ app: 'shop-web', page: '/p/:productId' });
    expect(JSON.stringify(result.value.record)).not.toMatch(/email|"s"|"h"/);
  });
});

describe('pre-aggregated metrics', () => {
  it('carries a count of at least 1 through to the stream record, and refuses a bad one', () => {
    const result = validateBeacon(beacon({ metrics: [metric({ count: 40 }), metric({ count: 1 }), metric({ count: 0 }), metric({ count: 2.5 })] }), NOW, 'b');
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.metrics.map((m) => m.count)).toEqual([40, undefined]);
    expect(result.value.rejected.map((r) => r.index)).toEqual([2, 3]);
  });
});

describe('release, connection and browser dimensions', () => {
  it('stores the release and connection the page reports and the browser family the edge derived, never the User-Agent', async () => {
    const { validateBeacon } = await import('@vitalstream/protocol/validate');
    const { browserFamily } = await import('../../../src/beacon/browser-family.ts');
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const result = validateBeacon(
      { app: 'shop', context: { release: ' 2.0.1 ', connection: '3g' }, metrics: [{ name: 'web_vitals_lcp', value: 1200 }] },
      Date.now(),
      'b',
      { browser: browserFamily(chrome)! },
    );
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.common).toEqual({ app: 'shop', release: '2.0.1', connection: '3g', browser: 'Chrome' });
    expect(JSON.stringify(result.value.record)).not.toContain('Mozilla');
  });

  it('names six browser families and none for a server', async () => {
    const { browserFamily } = await import('../../../src/beacon/browser-family.ts');
    const cases: [string, string | undefined][] = [
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge'],
      [
        'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
        'Samsung Internet',
      ],
      ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox'],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'Safari'],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
        'Chrome',
      ],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0', 'other'],
      ['node', undefined],
      [undefined as unknown as string, undefined],
    ];
    for (const [agent, family] of cases) expect(browserFamily(agent)).toBe(family);
  });
});

describe('js_error', () => {
  it('stores only the fingerprint of an error, cleaned again by the server whoever sent it, and a type that is a name', async () => {
    const { validateBeacon } = await import('@vitalstream/protocol/validate');
    const result = validateBeacon(
      {
        app: 'shop',
        metrics: [
          {
            name: 'js_error',
            value: 1,
            tags: { error_type: 'Type Error!', fingerprint: 'Payment 4111111111111111 failed for ann@example.com at https://pay.example.com/x?y=1' },
          },
        ],
      },
      Date.now(),
      'b',
    );
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.metrics[0]!.dimensions).toEqual({ error_type: 'Error', fingerprint: 'Payment <id> failed for <email> at <url>' });
  });

  it('cuts a fingerprint to 96 characters and folds ids, numbers and quoted text', async () => {
    const { errorFingerprint } = await import('@vitalstream/protocol');
    expect(errorFingerprint('x'.repeat(500))).toHaveLength(96);
    expect(errorFingerprint(`Item "blue shoes" #42 (id 3f2504e0-4f89-11d3-9a0c-0305e82c3301) missing`)).toBe('Item <str> #<n> (id <id>) missing');
  });
});

describe('back/forward cache', () => {
  it("keeps a reason only as the browser's short kebab-case name and restored only as yes or no, whoever sent them", async () => {
    const { validateBeacon } = await import('@vitalstream/protocol/validate');
    const result = validateBeacon(
      {
        app: 'shop',
        metrics: [
          { name: 'bfcache_blocked', value: 1, tags: { reason: 'unload-listener' } },
          { name: 'bfcache_blocked', value: 1, tags: { reason: '<img src=x onerror=alert(1)>' } },
          { name: 'back_forward_navigation', value: 1, tags: { restored: 'yes' } },
          { name: 'back_forward_navigation', value: 1, tags: { restored: 'maybe' } },
        ],
      },
      Date.now(),
      'b',
    );
    if (!result.ok) throw new Error(result.refusal.message);
    expect(result.value.record.metrics.map((m) => m.dimensions)).toEqual([
      { reason: 'unload-listener' },
      { reason: 'other' },
      { restored: 'yes' },
      { restored: 'no' },
    ]);
  });
});
