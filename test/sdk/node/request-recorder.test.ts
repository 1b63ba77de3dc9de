import { afterEach, describe, expect, it, vi } from 'vitest';
import { newSketch } from '@vitalstream/protocol/sketch';
import { RequestRecorder } from '../../../packages/node/src/request-recorder.ts';
import { createMonitor, type ServerMetric } from '../../../packages/node/src/monitor.ts';

/** A monitor whose transport keeps the beacons' metrics (the SDK's own transport interface, no network needed to test counting). */
function capturingMonitor(maxBuffer?: number) {
  const sent: ServerMetric[] = [];
  const monitor = createMonitor({
    app: 'api',
    maxBuffer,
    transport: async (body) => {
      sent.push(...(JSON.parse(body) as { metrics: ServerMetric[] }).metrics);
      return 202;
    },
  });
  return { monitor, sent };
}

/** Durations spread like real requests: mostly tens of ms, a long tail to seconds. */
const durations = (n: number) => Array.from({ length: n }, (_, i) => Math.exp(2 + 3.5 * (((i * 7919) % n) / n) ** 2) + (i % 13) / 7);

const quantiles = (pairs: [number, number][]) => {
  const sketch = newSketch();
  for (const [value, count] of pairs) sketch.accept(value, count);
  return [0.5, 0.75, 0.95, 0.99].map((q) => sketch.getValueAtQuantile(q));
};

afterEach(() => void vi.useRealTimers());

describe('request recording in the HTTP middlewares', () => {
  it('sends per minute exactly the count and percentiles that the raw durations give', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { monitor, sent } = capturingMonitor();
    const recorder = new RequestRecorder(monitor);
    const minuteStart = Date.UTC(2026, 10, 27, 3, 0);
    const raw = durations(6000);
    raw.forEach((durationMs, i) => {
      // The first half in one minute, the rest in the next: each minute folds on its own.
      vi.setSystemTime(minuteStart + (i < 3000 ? 1000 : 61_000) + i);
      recorder.record({ method: 'GET', route: '/courses/:id', status: 200, durationMs, responseBytes: 100 + (i % 3) });
    });
    await monitor.shutdown();

    const requests = sent.filter((m) => m.name === 'api_request');
    expect(requests.length).toBeLessThan(1000); // folded: one entry per minute and 1 % bin, not one per request
    for (const [minute, rawOfMinute] of [
      [0, raw.slice(0, 3000)],
      [1, raw.slice(3000)],
    ] as const) {
      const ofMinute = requests.filter((m) => Math.floor((m.timestamp! - minuteStart) / 60_000) === minute);
      expect(ofMinute.reduce((n, m) => n + (m.count ?? 1), 0)).toBe(3000);
      expect(quantiles(ofMinute.map((m) => [m.value, m.count ?? 1]))).toEqual(quantiles(rawOfMinute.map((d) => [d, 1])));
      expect(ofMinute.every((m) => m.tags?.endpoint === '/courses/:id' && m.tags.status_class === '2xx')).toBe(true);
    }
    const sizes = sent.filter((m) => m.name === 'api_response_size');
    expect(Object.fromEntries([100, 101, 102].map((b) => [b, sizes.filter((m) => m.value === b).reduce((n, m) => n + (m.count ?? 1), 0)]))).toEqual({
      100: 2000,
      101: 2000,
      102: 2000,
    });
  });

  it('tags slow requests apart, with their percentiles intact, and a zero duration as it is', async () => {
    const { monitor, sent } = capturingMonitor();
    const recorder = new RequestRecorder(monitor, { slowMs: 100 });
    const raw = durations(3000);
    for (const durationMs of raw) recorder.record({ method: 'POST', route: '/orders', status: 201, durationMs, requestBytes: 42 });
    recorder.record({ method: 'POST', route: '/orders', status: 201, durationMs: 0 });
    await monitor.shutdown();

    const requests = sent.filter((m) => m.name === 'api_request');
    const slow = requests.filter((m) => m.tags?.slow === 'true');
    expect(slow.reduce((n, m) => n + (m.count ?? 1), 0)).toBe(raw.filter((d) => d > 100).length);
    expect(quantiles(slow.map((m) => [m.value, m.count ?? 1]))).toEqual(quantiles(raw.filter((d) => d > 100).map((d) => [d, 1])));
    expect(requests.filter((m) => m.tags?.slow !== 'true').every((m) => m.value <= 100 * 1.01)).toBe(true);
    expect(requests.filter((m) => m.value === 0)).toHaveLength(1);
    expect(requests.reduce((n, m) => n + (m.count ?? 1), 0)).toBe(3001);
    expect(sent.filter((m) => m.name === 'api_request_size').reduce((n, m) => n + (m.count ?? 1), 0)).toBe(3000);
    expect(monitor.dropped).toBe(0);
  });

  it('keeps to the bound of the monitor buffer, where every drop is counted and reported', async () => {
    const { monitor, sent } = capturingMonitor(100);
    const recorder = new RequestRecorder(monitor);
    for (const durationMs of durations(3000)) recorder.record({ method: 'GET', route: '/search', status: 200, durationMs });
    await monitor.shutdown();

    // The ~180 bins of these durations overflow a buffer of 100.
    const requests = sent.filter((m) => m.name === 'api_request').reduce((n, m) => n + (m.count ?? 1), 0);
    expect(monitor.dropped).toBeGreaterThan(0);
    expect(sent.find((m) => m.name === 'sdk_dropped_metrics')?.value).toBe(monitor.dropped);
    expect(requests + monitor.dropped).toBe(3000);
  });
});
