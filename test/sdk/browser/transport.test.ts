import { describe, expect, it } from 'vitest';
import { MAX_BEACON_BYTES, toBodies } from '../../../packages/browser/src/transport.ts';
import { uxScore, UX_WEIGHTS } from '../../../packages/browser/src/signals/ux-score.ts';
import { describeElement, resourceType } from '../../../packages/browser/src/signals/selector.ts';

const envelope = { app: 'shop', context: { page: '/p', device: 'mobile' } };
const metric = (i: number, padding = 0) => ({
  name: 'custom_x',
  value: i,
  unit: 'count' as const,
  timestamp: 1,
  tags: padding ? { p: 'x'.repeat(padding) } : {},
});

describe('toBodies', () => {
  it('keeps every metric, in order, in valid beacons under the keepalive budget', () => {
    const metrics = Array.from({ length: 700 }, (_, i) => metric(i, 150));
    const { bodies } = toBodies(envelope, metrics);
    expect(bodies.length).toBeGreaterThan(1);
    const parsed = bodies.map((b) => JSON.parse(b) as { app: string; metrics: { value: number }[] });
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(MAX_BEACON_BYTES);
    expect(parsed.every((b) => b.app === 'shop')).toBe(true);
    expect(parsed.flatMap((b) => b.metrics.map((m) => m.value))).toEqual(metrics.map((m) => m.value));
  });

  it('never puts more than 500 metrics in one beacon', () => {
    const { bodies } = toBodies(
      envelope,
      Array.from({ length: 1200 }, (_, i) => metric(i)),
    );
    expect(bodies.map((b) => (JSON.parse(b) as { metrics: unknown[] }).metrics.length)).toEqual([500, 500, 200]);
  });

  it('drops and counts a single metric too big for any beacon instead of sending an unsendable body', () => {
    const { bodies, dropped } = toBodies(envelope, [metric(1), metric(2, 70_000), metric(3)]);
    expect(bodies.flatMap((b) => (JSON.parse(b) as { metrics: { value: number }[] }).metrics.map((m) => m.value))).toEqual([1, 3]);
    expect(dropped).toBe(1);
    expect(toBodies(envelope, [])).toEqual({ bodies: [], dropped: 0 });
  });

  it('counts UTF-8 bytes, as the server does: text of two-byte characters fills a beacon twice as fast', () => {
    const wide = Array.from({ length: 400 }, (_, i) => ({ ...metric(i), tags: { p: 'ж'.repeat(150) } }));
    const { bodies } = toBodies(envelope, wide);
    for (const body of bodies) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_BEACON_BYTES);
    expect(bodies.flatMap((b) => (JSON.parse(b) as { metrics: unknown[] }).metrics)).toHaveLength(400);
  });
});

describe('uxScore', () => {
  it('weights performance, interaction, reliability and stability', () => {
    expect(UX_WEIGHTS).toEqual({ performance: 0.3, interaction: 0.3, reliability: 0.2, visualStability: 0.2 });
    expect(uxScore({ lcp: 'good', inp: 'good', cls: 'good' }, 0)).toBe(100);
    expect(uxScore({ lcp: 'poor', inp: 'poor', cls: 'poor' }, 4)).toBe(0);
    expect(uxScore({ lcp: 'good', inp: 'needs-improvement', cls: 'good' }, 0)).toBe(85);
    expect(uxScore({ lcp: 'good', inp: 'good', cls: 'good' }, 2)).toBe(90);
  });

  it('reweights when a part is missing (no interaction yet)', () => {
    expect(uxScore({ lcp: 'poor', cls: 'good' }, 0)).toBe(Math.round((0.2 * 100 + 0.2 * 100) / 0.7));
  });
});

describe('element and resource descriptions', () => {
  it('describes elements briefly and boundedly', () => {
    expect(describeElement({ tagName: 'BUTTON', id: 'buy', className: 'btn primary' } as unknown as Node)).toBe('button#buy');
    expect(describeElement({ tagName: 'IMG', id: '', className: 'hero wide' } as unknown as Node)).toBe('img.hero');
    expect(describeElement({ tagName: 'DIV', id: 'x'.repeat(100), className: '' } as unknown as Node)).toHaveLength(64);
    expect(describeElement(null)).toBe('unknown');
  });

  it('types resources by extension, then by initiator', () => {
    expect(resourceType('https://cdn.example.com/app.9f8e.js?v=2', 'script')).toBe('script');
    expect(resourceType('https://cdn.example.com/fonts/inter.woff2', 'css')).toBe('font');
    expect(resourceType('https://api.example.com/v1/cart', 'fetch')).toBe('fetch');
    expect(resourceType('https://example.com/', undefined)).toBe('other');
  });
});
