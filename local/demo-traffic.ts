import { seededRandom } from '../src/analysis/anomaly/random.ts';

const PAGES = ['/', '/courses', '/courses/42', '/courses/77/lessons/3', '/checkout', '/account/settings'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const ENDPOINTS: [string, number][] = [['/api/courses/:id', 80], ['/api/cart', 60], ['/api/search', 250], ['/api/checkout', 300]];

export interface DemoTraffic {
  stop(): void;
  /** Resolves once the backfill has been sent. */
  ready: Promise<void>;
}

/**
 * Realistic traffic for newcomers (`VITALSTREAM_DEMO=1 npm start`): six hours of history with a
 * daily rhythm, a couple of slow endpoints, and an incident on /api/checkout in the latest
 * minutes (slow, with server errors) that trips the threshold alerts; then live traffic every
 * few seconds. Everything goes through POST /v1/beacon like real beacons.
 */
export function startDemoTraffic(beaconUrl: string, log: (line: string) => void): DemoTraffic {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const spread = (median: number, width: number) => median * Math.exp(width * (random() + random() + random() - 1.5));
  let stopped = false;

  const beaconsAt = (t: number, incident: boolean): string[] => {
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    const load = 1 + Math.sin(((hour - 9) / 24) * 2 * Math.PI); // busiest mid-afternoon UTC
    const beacons: string[] = [];
    for (let i = 0; i < Math.round(2 + 4 * load); i++) {
      const page = pick(PAGES);
      beacons.push(JSON.stringify({
        app: 'demo-shop',
        context: { page, device: pick(DEVICES), connection: '4g', release: '2.3.0' },
        metrics: [
          { name: 'web_vitals_lcp', value: spread(page === '/checkout' ? 2900 : 1900, 0.5), timestamp: t, tags: { navigation_type: 'navigate' } },
          { name: 'web_vitals_inp', value: spread(140, 0.6), timestamp: t, tags: { interaction_type: 'pointer' } },
          { name: 'web_vitals_cls', value: spread(0.05, 0.8), timestamp: t },
          { name: 'web_vitals_fcp', value: spread(1300, 0.4), timestamp: t },
          { name: 'web_vitals_ttfb', value: spread(420, 0.5), timestamp: t },
        ],
      }));
    }
    const requests = [];
    for (let i = 0; i < Math.round(10 + 20 * load); i++) {
      const [endpoint, median] = pick(ENDPOINTS);
      const broken = incident && endpoint === '/api/checkout';
      const status = broken && random() < 0.3 ? 503 : 200;
      requests.push({ name: 'api_request', value: broken ? spread(5500, 0.3) : spread(median, 0.6), timestamp: t, tags: { method: 'GET', endpoint, status_code: String(status), status_class: `${Math.floor(status / 100)}xx` } });
      requests.push({ name: 'database_query', value: broken ? spread(1800, 0.3) : spread(12, 0.8), timestamp: t, tags: { query_type: 'SELECT', table: endpoint === '/api/search' ? 'courses' : 'orders', fingerprint: endpoint === '/api/search' ? 'SELECT * FROM courses WHERE title ILIKE ?' : 'SELECT * FROM orders WHERE user_id = ?' } });
    }
    beacons.push(JSON.stringify({ app: 'demo-api', context: { service: 'shop-api' }, metrics: requests }));
    return beacons;
  };

  const send = async (bodies: string[]) => {
    for (const body of bodies) {
      if (stopped) return;
      await fetch(beaconUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
  };

  const ready = (async () => {
    const now = Date.now();
    const minutes = 6 * 60;
    log(`[demo] backfilling ${minutes / 60} h of demo traffic (app=demo-shop, demo-api)…`);
    for (let m = minutes; m >= 1 && !stopped; m--) await send(beaconsAt(now - m * 60_000, m <= 3));
    log('[demo] backfill done: the last minutes hold an incident on /api/checkout; live traffic continues every 5 s');
  })();

  const timer = setInterval(() => void send(beaconsAt(Date.now(), false)), 5000);
  timer.unref();
  return { ready, stop: () => { stopped = true; clearInterval(timer); } };
}
