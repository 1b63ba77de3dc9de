import { describe, expect, it } from 'vitest';
import { snsMessage, snsSubject } from '../../../lambdas/adapters/sns-alerts.ts';
import type { AggregatePoint } from '../../../src/aggregation/summarize.ts';
import { emptyAlertState, reconcile, undoDelivery } from '../../../src/alerts/lifecycle.ts';
import { conditionsFor, serverErrorCondition } from '../../../src/alerts/rules.ts';

const point = (over: Partial<AggregatePoint>): AggregatePoint => ({
  t: '2026-11-26T19:01:00.000Z',
  count: 312,
  sum: 0,
  avg: 0,
  min: 0,
  max: 0,
  p50: 0,
  p75: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  ...over,
});
const checkout = { app: 'shop', source: 'browser', page: '/checkout' };
const link = () => 'http://127.0.0.1:8787/#metric=web_vitals_lcp&page=/checkout';

describe('alert rules', () => {
  it('fires on each seed threshold, per window', () => {
    const rules = (metric: string, p: Partial<AggregatePoint>, dims: Record<string, string> = { app: 'shop' }) =>
      conditionsFor({ metric, dimensions: dims, point: point(p) }).map((c) => `${c.rule}:${c.severity}`);
    expect(rules('web_vitals_lcp', { p75: 4812, ratings: { good: 100, needsImprovement: 90, poor: 122 } }, checkout)).toEqual(['web_vital_poor:warning']);
    expect(rules('web_vitals_lcp', { p75: 3900 })).toEqual([]);
    expect(rules('web_vitals_inp', { p75: 510 })).toEqual(['web_vital_poor:warning']);
    expect(rules('web_vitals_cls', { p75: 0.3 })).toEqual(['web_vital_poor:warning']);
    expect(rules('api_request', { max: 5200, p95: 900 })).toEqual(['slow_request:warning']);
    expect(rules('long_task', { max: 650 })).toEqual(['long_task:warning']);
    expect(rules('database_query', { p95: 1500, max: 2000 })).toEqual(['slow_query:warning']);
    expect(rules('database_query', { p95: 1500, max: 12_000 })).toEqual(['extremely_slow_query:critical']);
    expect(rules('circuit_breaker_transition', { count: 1 }, { service: 'stripe', state: 'open' })).toEqual(['circuit_breaker_open:critical']);
    expect(rules('circuit_breaker_transition', { count: 1 }, { service: 'stripe', state: 'half_open' })).toEqual(['circuit_breaker_half_open:warning']);
    expect(rules('circuit_breaker_transition', { count: 1 }, { service: 'stripe', state: 'closed' })).toEqual(['circuit_breaker_closed:info']);
    expect(rules('sla_compliance', { avg: 0.93 }, { service: 'stripe' })).toEqual(['sla_breach:error']);
    expect(rules('cache_hit_rate', { avg: 0.62 }, { cache: 'redis', key_prefix: 'user' })).toEqual(['low_cache_hit_rate:warning']);
    expect(rules('cache_hit_rate', { avg: 0.91 })).toEqual([]);
  });

  it('judges a web vital p75 only over at least 20 page views in the minute', () => {
    const poor = (count: number) => conditionsFor({ metric: 'web_vitals_lcp', dimensions: checkout, point: point({ count, p75: 6000 }) }).map((c) => c.rule);
    expect(poor(3)).toEqual([]);
    expect(poor(19)).toEqual([]);
    expect(poor(20)).toEqual(['web_vital_poor']);
  });

  it('alerts on a server-error share of 5 % or more, given enough requests', () => {
    expect(serverErrorCondition({ endpoint: '/api/cart' }, { '2xx': 90, '5xx': 10 }, '19:01')?.severity).toBe('error');
    expect(serverErrorCondition({ endpoint: '/api/cart' }, { '2xx': 99, '5xx': 1 }, '19:01')).toBeUndefined();
    expect(serverErrorCondition({ endpoint: '/api/cart' }, { '5xx': 3 }, '19:01')).toBeUndefined();
  });
});

describe('alert lifecycle', () => {
  const lcp = conditionsFor({
    metric: 'web_vitals_lcp',
    dimensions: checkout,
    point: point({ p75: 4812, ratings: { good: 100, needsImprovement: 90, poor: 122 } }),
  });
  const options = { cooldownMs: 30 * 60_000, link };

  it('fires once, stays quiet while open, resolves when the condition clears, and cools down', () => {
    const first = reconcile(emptyAlertState(), lcp, 0, options);
    expect(first.alerts.map((a) => [a.state, a.severity])).toEqual([['firing', 'warning']]);
    const again = reconcile(first.state, lcp, 60_000, options);
    expect(again.alerts).toEqual([]);
    const cleared = reconcile(again.state, [], 120_000, options);
    expect(cleared.alerts.map((a) => [a.state, a.severity, a.title])).toEqual([['resolved', 'info', expect.stringMatching(/^Resolved: LCP p75 is poor/)]]);
    expect(cleared.alerts[0]!.message).toMatch(/Back to normal after 2 min/);
    expect(reconcile(cleared.state, lcp, 180_000, options).alerts).toEqual([]);
    expect(reconcile(cleared.state, lcp, 120_000 + 31 * 60_000, options).alerts.map((a) => a.state)).toEqual(['firing']);
  });

  it('takes back a step whose alert could not be delivered, so the next run sends it again', () => {
    const fired = reconcile(emptyAlertState(), lcp, 0, options);
    undoDelivery(fired.state, emptyAlertState(), fired.alerts[0]!);
    expect(reconcile(fired.state, lcp, 60_000, options).alerts.map((a) => a.state)).toEqual(['firing']);

    const open = reconcile(emptyAlertState(), lcp, 0, options).state;
    const cleared = reconcile(open, [], 120_000, options);
    undoDelivery(cleared.state, open, cleared.alerts[0]!);
    expect(cleared.state.resolvedAt).toEqual({});
    expect(reconcile(cleared.state, [], 180_000, options).alerts.map((a) => [a.state, a.message])).toEqual([
      ['resolved', expect.stringMatching(/after 3 min/)],
    ]);
  });

  it('reads as a person would receive it', () => {
    const [alert] = reconcile(emptyAlertState(), lcp, Date.UTC(2026, 10, 26, 19, 2), options).alerts;
    const subject = snsSubject(alert!);
    const body = snsMessage(alert!);
    console.log(`example alert e-mail\nSubject: ${subject}\n\n${body}`);
    expect(subject).toBe('[WARNING] LCP p75 is poor (4.8 s > 4.0 s) on app=shop, page=/checkout');
    expect(body).toContain(
      'LCP p75 was 4.8 s in the minute from 19:01 UTC over 312 page views (app=shop, page=/checkout); poor starts at 4.0 s, good is under 2.5 s. 122 of 312 were poor.',
    );
    expect(body).toContain('open: http://127.0.0.1:8787/#metric=web_vitals_lcp&page=/checkout');
  });
});
