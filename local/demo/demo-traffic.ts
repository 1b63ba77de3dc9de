import { seededRandom } from '../../src/analysis/anomaly/random.ts';
import { ANOMALY_HISTORY_MS } from '../../src/analysis/anomaly/series-anomalies.ts';
import type { MetricStream } from '../../src/ports.ts';
import { findMetric } from '@vitalstream/protocol';
import { encodeStreamRecord, type StreamRecord } from '@vitalstream/protocol/stream';

const PAGES = ['/', '/courses', '/courses/42', '/courses/77/lessons/3', '/checkout', '/account/settings'];
/** What each page's vitals are attributed to, as the browser SDK would report them. */
const LCP_OF: Record<string, { lcp_element: string; lcp_resource_type: string }> = {
  '/': { lcp_element: 'img.hero', lcp_resource_type: 'image' },
  '/courses': { lcp_element: 'h1.title', lcp_resource_type: 'text' },
  '/courses/42': { lcp_element: 'img.course-cover', lcp_resource_type: 'image' },
  '/courses/77/lessons/3': { lcp_element: 'video.player', lcp_resource_type: 'video' },
  '/checkout': { lcp_element: 'div.order-summary', lcp_resource_type: 'text' },
  '/account/settings': { lcp_element: 'h1', lcp_resource_type: 'text' },
};
const TARGETS_OF: Record<string, string[]> = {
  '/': ['input#search', 'a.course-card'],
  '/courses': ['a.course-card', 'button.filter'],
  '/courses/42': ['button#enroll', 'button.tab'],
  '/courses/77/lessons/3': ['button.play', 'button#next-lesson'],
  '/checkout': ['button#pay', 'input#card-number'],
  '/account/settings': ['button#save', 'input#email'],
};
const INP_PHASES = ['processing-duration', 'processing-duration', 'presentation-delay', 'input-delay'];
/** A load's LCP parts, in ms: an image page waits on its download, a text page on rendering. */
const lcpPartsOf = (page: string): [string, number][] =>
  LCP_OF[page]!.lcp_resource_type === 'text'
    ? [
        ['ttfb', 420],
        ['resource_load_delay', 0],
        ['resource_load_duration', 0],
        ['element_render_delay', page === '/checkout' ? 2200 : 1500],
      ]
    : [
        ['ttfb', 420],
        ['resource_load_delay', 250],
        ['resource_load_duration', 900],
        ['element_render_delay', 330],
      ];
const DEVICES = ['mobile', 'desktop', 'tablet'];
/** [endpoint, median ms, query type and table its database call makes, share of background 5xx] */
const ENDPOINTS: [string, number, string, string, number][] = [
  ['/api/courses/:id', 80, 'SELECT', 'courses', 0],
  ['/api/cart', 60, 'INSERT', 'cart_items', 0.002],
  ['/api/search', 250, 'SELECT', 'courses', 0.01],
  ['/api/checkout', 300, 'UPDATE', 'orders', 0.004],
];
const CHECKOUT = ENDPOINTS[3]!;
const MINUTE = 60_000;
const POOL_MAX = 20;

export interface DemoTraffic {
  stop(): void;
  /** Resolves once the backfill has been sent. */
  ready: Promise<void>;
}

/**
 * Realistic traffic for newcomers (`VITALSTREAM_DEMO=1 npm start`):
 * - eight days of server history (weighted samples per 15 minutes, per 5 over the last three days)
 *   so the forecasts see a week and the anomaly detector is past its 750 learning buckets. The beacon endpoint refuses timestamps
 *   older than 24 h, so this history goes straight onto the stream, as records the ingest handler
 *   would have written; everything else goes through POST /v1/beacon like real beacons;
 * - six hours of full browser and server traffic: web vitals, requests, queries of several types,
 *   connection-pool gauges, a little background 5xx on a few endpoints;
 * - an incident on /api/checkout (a retry storm: slow, 503s, queries piling up, the pool exhausted)
 *   that began forty minutes before the backfill ends, so the anomaly detector's first run judges
 *   it, and lasts ten more minutes of live traffic, so the threshold alerts fire and then resolve;
 * - then live traffic every 5 s at the same rates.
 */
export function startDemoTraffic(beaconUrl: string, history: MetricStream, log: (line: string) => void): DemoTraffic {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const spread = (median: number, width: number) => median * Math.exp(width * (random() + random() + random() - 1.5));
  // The vitals' attribution (elements, targets, LCP parts, Server-Timing) draws from a stream of its
  // own, so adding to it leaves the rest of the traffic (and the incident the detector finds) as it was.
  const detailRandom = seededRandom(7);
  const pickDetail = <T>(items: readonly T[]) => items[Math.floor(detailRandom() * items.length)]!;
  const spreadDetail = (median: number, width: number) => median * Math.exp(width * (detailRandom() + detailRandom() + detailRandom() - 1.5));
  const loadAt = (t: number) => {
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    return 1 + Math.sin(((hour - 9) / 24) * 2 * Math.PI); // busiest mid-afternoon UTC
  };
  let stopped = false;
  // Release 2.3.0 went out three hours ago; the browser and server traffic before it ran 2.2.0.
  const releasedAt = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 60 * MINUTE;
  const releaseAt = (t: number) => (t < releasedAt ? '2.2.0' : '2.3.0');

  const serverCalls = (t: number, count: number, incident: boolean, spreadMs: number, retries = 0) => {
    const metrics: { name: string; value: number; timestamp: number; tags: Record<string, string> }[] = [];
    for (let i = 0; i < count + retries; i++) {
      const [endpoint, median, queryType, table, errorShare] = i < retries ? CHECKOUT : pick(ENDPOINTS);
      const broken = incident && endpoint === CHECKOUT[0];
      const status = random() < (broken ? 0.3 : errorShare) ? 503 : 200;
      const at = Math.round(t + random() * spreadMs);
      const method = queryType === 'SELECT' ? 'GET' : 'POST';
      metrics.push({
        name: 'api_request',
        value: broken ? spread(5500, 0.3) : spread(median, 0.6),
        timestamp: at,
        tags: { method, endpoint, status_code: String(status), status_class: `${Math.floor(status / 100)}xx` },
      });
      metrics.push({
        name: 'database_query',
        value: broken ? spread(1800, 0.3) : spread(queryType === 'SELECT' ? 12 : 25, 0.8),
        timestamp: at,
        tags: { query_type: queryType, table, database: 'postgresql', fingerprint: `${queryType} … ${table} WHERE id = ?` },
      });
    }
    return metrics;
  };

  const poolGauges = (t: number, load: number, incident: boolean) => {
    const total = incident ? POOL_MAX : Math.min(POOL_MAX, Math.round(6 + 6 * load));
    const busy = incident ? POOL_MAX - (random() < 0.5 ? 0 : 1) : Math.min(total, Math.round(spread(2 + 5 * load, 0.4)));
    const tags = (type: string) => ({ pool_type: type, database: 'postgresql', pool: 'main' });
    return [
      { name: 'connection_pool_max', value: POOL_MAX, timestamp: t, tags: tags('max') },
      { name: 'connection_pool_total', value: total, timestamp: t, tags: tags('total') },
      { name: 'connection_pool_idle', value: total - busy, timestamp: t, tags: tags('idle') },
      { name: 'connection_pool_waiting', value: incident ? Math.round(spread(6, 0.5)) : 0, timestamp: t, tags: tags('waiting') },
    ];
  };

  // One page view in ten comes by the back or forward button: two thirds restored from the
  // back/forward cache, the rest loaded anew for a reason the browser names.
  const backForward = (t: number) => {
    if (detailRandom() >= 0.1) return [];
    const restored = detailRandom() < 0.67;
    const navigation = { name: 'back_forward_navigation', value: 1, timestamp: t, tags: { restored: restored ? 'yes' : 'no' } };
    if (restored) return [navigation];
    const reason = pickDetail(['unload-listener', 'unload-listener', 'response-cache-control-no-store', 'masked']);
    return [navigation, { name: 'bfcache_blocked', value: 1, timestamp: t, tags: { reason } }];
  };

  // `share` of a minute's traffic: live ticks every 5 s send a twelfth, so rates match the history.
  const minuteAt = (t: number, incident: boolean, share = 1): string[] => {
    const scaled = (perMinute: number) => Math.floor(perMinute * share + random());
    const load = loadAt(t);
    const beacons: string[] = [];
    for (let i = 0; i < scaled(2 + 4 * load); i++) {
      const page = pick(PAGES);
      beacons.push(
        JSON.stringify({
          app: 'demo-shop',
          context: { page, device: pick(DEVICES), connection: pick(['4g', '4g', '4g', '3g']), release: releaseAt(t) },
          metrics: [
            {
              name: 'web_vitals_lcp',
              value: spread(page === '/checkout' ? 2600 : 1900, 0.4),
              timestamp: t,
              tags: { navigation_type: detailRandom() < 0.25 ? 'soft-navigation' : 'navigate', ...LCP_OF[page]! },
            },
            {
              name: 'web_vitals_inp',
              value: spread(140, 0.6),
              timestamp: t,
              tags: {
                interaction_type: 'pointer',
                inp_target: pickDetail(TARGETS_OF[page]!),
                inp_phase: pickDetail(INP_PHASES),
                inp_script: pickDetail(['/static/app.js', '/static/app.js', '/static/vendor/analytics.js']),
                inp_invoker: 'event-listener',
              },
            },
            {
              name: 'web_vitals_cls',
              value: spread(0.05, 0.8),
              timestamp: t,
              tags: { cls_target: pickDetail(['img.hero', 'div.banner', 'aside.recommendations']) },
            },
            // The load's LCP in its four parts (they add up to about the LCP above).
            ...lcpPartsOf(page).map(([part, median]) => ({ name: 'lcp_part', value: spreadDetail(median, 0.4), timestamp: t, tags: { part } })),
            // The document's own Server-Timing phases, as the browser SDK reports them.
            { name: 'server_timing', value: spreadDetail(35, 0.5), timestamp: t, tags: { name: 'db' } },
            { name: 'server_timing', value: spreadDetail(60, 0.4), timestamp: t, tags: { name: 'render' } },
            { name: 'web_vitals_fcp', value: spread(1300, 0.4), timestamp: t },
            { name: 'web_vitals_ttfb', value: spread(420, 0.5), timestamp: t },
            ...backForward(t),
            // A few page views hit a bug: the checkout page's total, and a failing recommendation fetch everywhere.
            ...(page === '/checkout' && random() < 0.3
              ? [
                  {
                    name: 'js_error',
                    value: 1,
                    timestamp: t,
                    tags: { error_type: 'TypeError', fingerprint: "Cannot read properties of undefined (reading 'total')" },
                  },
                ]
              : []),
            ...(random() < 0.08
              ? [
                  {
                    name: 'js_error',
                    value: 1,
                    timestamp: t,
                    tags: { error_type: 'UnhandledRejection', fingerprint: 'Failed to fetch https://recs.example.com/v2/for/42' },
                  },
                ]
              : []),
          ],
        }),
      );
    }
    const metrics = [
      ...serverCalls(t, scaled(10 + 20 * load), incident, 0, incident ? scaled(24) : 0),
      ...(share === 1 || random() < share ? poolGauges(t, load, incident) : []),
    ];
    if (metrics.length > 0) beacons.push(JSON.stringify({ app: 'demo-api', context: { service: 'shop-api', release: releaseAt(t) }, metrics }));
    return beacons;
  };

  /**
   * Older history: one stream record per 15 minutes holding the same rates as live traffic, as
   * weighted samples (a value with a count), the way a pre-aggregating client sends them.
   */
  /** Server traffic for the `spanMs` from `t`, as one record of 48 samples standing for every call. */
  const historyAt = (t: number, spanMs: number): StreamRecord => {
    const calls = (spanMs / MINUTE) * (10 + 20 * loadAt(t));
    const samples = serverCalls(t, 48, false, spanMs);
    return {
      v: 1,
      beaconId: `demo-history-${t}`,
      receivedAt: t,
      common: { app: 'demo-api' },
      metrics: samples.map(({ name, value, timestamp, tags }) => ({
        name,
        value,
        timestamp,
        count: Math.max(1, Math.round(calls / 48)),
        source: findMetric(name)!.source,
        dimensions: tags,
      })),
    };
  };

  const send = async (bodies: string[]) => {
    for (const body of bodies) {
      if (stopped) return;
      await fetch(beaconUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const ready = (async () => {
    const now = Date.now();
    const recentMinutes = 6 * 60;
    const quarter = (t: number) => Math.floor(t / (15 * MINUTE)) * 15 * MINUTE;
    const historyStart = quarter(now - 8 * 24 * 60 * MINUTE);
    // Aligned to a quarter hour, so the history's last bucket and the first beacon minute meet.
    const recentStart = quarter(now - recentMinutes * MINUTE);
    // Forty minutes of incident before the detector's first run: more than its 7-bucket downsampling step.
    const incidentStarts = Math.floor(now / (5 * MINUTE)) * 5 * MINUTE - 40 * MINUTE;
    const incidentEnds = now + 10 * MINUTE;
    log('[demo] backfilling eight days of demo traffic (app=demo-shop, demo-api)…');
    const records = [];
    // A record a quarter hour, and one every five minutes over the detector's kept three days, so each of its buckets has data.
    const fineFrom = now - ANOMALY_HISTORY_MS - 60 * MINUTE;
    for (let t = historyStart; t + 15 * MINUTE <= recentStart; t += 15 * MINUTE) {
      if (t < fineFrom) records.push(historyAt(t, 15 * MINUTE));
      else for (let k = 0; k < 3; k++) records.push(historyAt(t + k * 5 * MINUTE, 5 * MINUTE));
    }
    await history.put(records.map((record) => ({ partitionKey: record.beaconId, data: encodeStreamRecord(record) })));
    for (let t = recentStart + (now % MINUTE); t < now - MINUTE / 2 && !stopped; t += MINUTE) await send(minuteAt(t, t >= incidentStarts));
    if (stopped) return;
    log('[demo] backfill done: an incident on /api/checkout is under way and ends in 10 minutes; live traffic every 5 s');
    // Live traffic starts only now, so it never lands in a window newer than the backfilled incident.
    timer = setInterval(() => {
      const t = Date.now();
      void send(minuteAt(t, t < incidentEnds, 5 / 60));
    }, 5000);
    timer.unref();
  })();

  return {
    ready,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
