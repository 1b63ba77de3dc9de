import { seededRandom } from '../src/analysis/anomaly/random.ts';

/** A deterministic mix of browser and server beacons, shaped like a real site's traffic. */
const PAGES = ['/', '/courses', '/courses/42', '/courses/77/lessons/3', '/checkout', '/account/settings', '/blog/how-to-measure-inp'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const ENDPOINTS = ['/api/courses/:id', '/api/cart', '/api/checkout', '/api/search'];

export function makeBeacons(count: number, now: number, seed = 42): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const logNormal = (median: number, spread: number) =>
    median * Math.exp(spread * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random()));
  return Array.from({ length: count }, (_, i) => {
    const timestamp = now - Math.floor(random() * 600_000);
    const browser = i % 4 !== 0;
    const metrics = browser
      ? [
          { name: 'web_vitals_lcp', value: logNormal(2200, 0.5), timestamp, tags: { navigation_type: 'navigate' } },
          { name: 'web_vitals_inp', value: logNormal(150, 0.6), timestamp, tags: { interaction_type: 'pointer' } },
          { name: 'web_vitals_cls', value: Math.abs(logNormal(0.05, 0.8)), timestamp, unit: 'score' },
          { name: 'web_vitals_fcp', value: logNormal(1400, 0.4), timestamp },
          { name: 'web_vitals_ttfb', value: logNormal(500, 0.5), timestamp },
          { name: 'long_task', value: 50 + logNormal(60, 0.7), timestamp, tags: { attribution: 'self' } },
          { name: 'resource_timing', value: logNormal(120, 0.8), timestamp, tags: { resource_type: 'script', initiator_type: 'script', cached: 'false' } },
          { name: 'user_experience_score', value: Math.min(100, logNormal(80, 0.1)), timestamp },
        ]
      : Array.from({ length: 8 }, () => ({
          name: 'api_request',
          value: logNormal(90, 0.9),
          timestamp,
          tags: { method: 'GET', endpoint: pick(ENDPOINTS), status_code: '200', status_class: '2xx' },
        }));
    return JSON.stringify({
      app: 'bench-shop',
      context: { sessionId: `s${i}`, page: `${pick(PAGES)}?utm=${i}`, device: pick(DEVICES), connection: '4g', release: '1.0.0' },
      metrics,
    });
  });
}
