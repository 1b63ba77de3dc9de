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
 * daily rhythm, a couple of slow endpoints, and an incident on /api/checkout (slow, with server
 * errors) that starts three minutes before now and lasts ten more minutes of live traffic, so the
 * threshold alerts fire and later resolve. Everything goes through POST /v1/beacon like real
 * beacons.
 */
export function startDemoTraffic(beaconUrl: string, log: (line: string) => void): DemoTraffic {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const spread = (median: number, width: number) => median * Math.exp(width * (random() + random() + random() - 1.5));
  let stopped = false;

  // `share` of a minute's traffic: live ticks every 5 s send a twelfth, so rates match the history.
  const beaconsAt = (t: number, incident: boolean, share = 1): string[] => {
    const scaled = (perMinute: number) => Math.floor(perMinute * share + random());
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    const load = 1 + Math.sin(((hour - 9) / 24) * 2 * Math.PI); // busiest mid-afternoon UTC
    const beacons: string[] = [];
    for (let i = 0; i < scaled(2 + 4 * load); i++) {
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
    // An incident brings retries: extra checkout calls, so every incident minute holds some.
    const retries = incident ? scaled(6) : 0;
    const calls = scaled(10 + 20 * load) + retries;
    for (let i = 0; i < calls; i++) {
      const [endpoint, median] = i < retries ? ENDPOINTS[3]! : pick(ENDPOINTS);
      const broken = incident && endpoint === '/api/checkout';
      const status = broken && random() < 0.3 ? 503 : 200;
      requests.push({ name: 'api_request', value: broken ? spread(5500, 0.3) : spread(median, 0.6), timestamp: t, tags: { method: 'GET', endpoint, status_code: String(status), status_class: `${Math.floor(status / 100)}xx` } });
      requests.push({ name: 'database_query', value: broken ? spread(1800, 0.3) : spread(12, 0.8), timestamp: t, tags: { query_type: 'SELECT', table: endpoint === '/api/search' ? 'courses' : 'orders', fingerprint: endpoint === '/api/search' ? 'SELECT * FROM courses WHERE title ILIKE ?' : 'SELECT * FROM orders WHERE user_id = ?' } });
    }
    if (requests.length > 0) beacons.push(JSON.stringify({ app: 'demo-api', context: { service: 'shop-api' }, metrics: requests }));
    return beacons;
  };

  const send = async (bodies: string[]) => {
    for (const body of bodies) {
      if (stopped) return;
      await fetch(beaconUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const ready = (async () => {
    const now = Date.now();
    const minutes = 6 * 60;
    const incidentEnds = now + 10 * 60_000;
    log(`[demo] backfilling ${minutes / 60} h of demo traffic (app=demo-shop, demo-api)…`);
    for (let m = minutes; m >= 1 && !stopped; m--) await send(beaconsAt(now - m * 60_000, m <= 3));
    if (stopped) return;
    log('[demo] backfill done: an incident on /api/checkout is under way and ends in 10 minutes; live traffic every 5 s');
    // Live traffic starts only now, so it never lands in a window newer than the backfilled incident.
    timer = setInterval(() => {
      const t = Date.now();
      void send(beaconsAt(t, t < incidentEnds, 5 / 60));
    }, 5000);
    timer.unref();
  })();

  return { ready, stop: () => { stopped = true; clearInterval(timer); } };
}
