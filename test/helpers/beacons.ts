/** Builders for realistic beacons; tests override only what they are about. */
export const NOW = Date.UTC(2026, 10, 26, 19, 1, 30);

export function metric(overrides: Record<string, unknown> = {}) {
  return { name: 'web_vitals_lcp', value: 2310.5, unit: 'ms', timestamp: NOW - 1000, source: 'browser', tags: { navigation_type: 'navigate' }, ...overrides };
}

export function beacon(overrides: Record<string, unknown> = {}) {
  return {
    app: 'shop-web',
    context: { sessionId: '8f2c1d', page: '/courses/42?ref=mail', device: 'mobile', connection: '4g', release: '1.4.2' },
    metrics: [metric()],
    ...overrides,
  };
}
