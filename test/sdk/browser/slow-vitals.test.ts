import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportSlowVital } from '../../../packages/browser/src/signals/slow-vitals.ts';
import type { Report } from '../../../packages/browser/src/types.ts';

/** A resource entry as the browser gives it, with the server SDK's Server-Timing `app` entry. */
const request = (startTime: number, responseEnd: number, endpoint: string, serverMs = 300) => ({
  initiatorType: 'xmlhttprequest',
  startTime,
  responseEnd,
  serverTiming: [{ name: 'app', duration: serverMs, description: endpoint }],
});

afterEach(() => vi.restoreAllMocks());

describe('reportSlowVital for an interaction', () => {
  it('joins the requests started in the interaction and answered by its paint, allowing for the paint time rounded to 8 ms', () => {
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([
      // Started before the interaction: not its request.
      request(90, 400, 'GET /api/earlier'),
      // Answered 3 ms after the rounded paint time (612): a synchronous request the paint waited on.
      request(110, 615, 'POST /api/cart/:id', 310),
      // Answered 30 ms after the paint: the paint did not wait on it.
      request(120, 642, 'GET /api/recommendations'),
    ] as unknown as PerformanceEntryList);
    const sent: Parameters<Report>[0][] = [];
    reportSlowVital((metric) => void sent.push(metric), 'inp', 312, '/cart', 100, 612);
    expect(sent.map((m) => [m.name, m.value, m.tags])).toEqual([
      ['slow_vital', 312, { vital: 'inp' }],
      ['slow_vital_endpoint', 310, { vital: 'inp', method: 'POST', endpoint: '/api/cart/:id' }],
    ]);
  });
});
