import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAggregateHandler } from '../../lambdas/aggregate.ts';
import { createAnalyzeHandler, type AnalyzeResult } from '../../lambdas/analyze.ts';
import { createQueryHandler } from '../../lambdas/query.ts';
import { fileForecastStore } from '../../local/adapters/forecast-file.ts';
import { fileKeptStatistics } from '../../local/adapters/kept-statistics-file.ts';
import { seededRandom } from '../../src/analysis/anomaly/random.ts';
import { ANOMALY_BUCKET_MS, ANOMALY_HISTORY_MS, bucketStatistics } from '../../src/analysis/anomaly/series-anomalies.ts';
import { ALERT_METRICS } from '../../src/alerts/evaluate.ts';
import { emptyPartial, mergeInto } from '../../src/aggregation/partial-aggregate.ts';
import { summarize } from '../../src/aggregation/summarize.ts';
import { forecastKey } from '../../src/analysis/forecast/scheduled-forecasts.ts';
import { httpEvent, json } from '../helpers/http-events.ts';
import { fileAlertState } from '../../local/adapters/alert-state-file.ts';
import { localAlertSink, readAlertLog } from '../../local/adapters/alert-log.ts';
import { toKinesisEvent } from '../../bench/support/kinesis-events.ts';
import { localContext } from '../../bench/support/lambda-context.ts';
import { openSqliteStore } from '../../local/adapters/sqlite-store.ts';
import type { Alert, AlertSink } from '../../src/alerts/alert.ts';
import { encodeStreamRecord, type StreamMetric } from '@vitalstream/protocol/stream';
import { beacon } from '../helpers/beacons.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';
import { pairsOf } from '../../src/analysis/points.ts';
import { createAnomalyDetector } from '../../src/analysis/anomaly/detector.ts';

const T = Date.UTC(2026, 10, 26, 19, 0, 0);
const dir = tempDir();
afterAll(() => dir.remove());

async function storeWith(name: string, metrics: StreamMetric[]) {
  const store = openSqliteStore(join(dir.path, `${name}.db`));
  const data = encodeStreamRecord({ v: 1, beaconId: 'b', receivedAt: T, common: { app: 'shop', page: '/checkout' }, metrics });
  await createAggregateHandler({ store })(toKinesisEvent([{ seq: 1, partitionKey: 'p', data, arrivedAt: T }]), localContext('a'));
  return store;
}

/** A vital rule judges a p75 only over enough page views (RULE_LIMITS.minPageViewsForP75): each sample as many times. */
const enough = (metrics: StreamMetric[]): StreamMetric[] => Array.from({ length: Math.ceil(20 / metrics.length) }, () => metrics).flat();
const lcp = (value: number, minute = 1): StreamMetric => ({
  name: 'web_vitals_lcp',
  value,
  timestamp: T + minute * 60_000 + 5000,
  source: 'browser',
  dimensions: {},
});

describe('analyze job: threshold alerts', () => {
  it('fires once for a poor p75, stays quiet while it holds, and resolves when it clears', async () => {
    const store = await storeWith('lifecycle', enough([lcp(4500), lcp(5200), lcp(6100), lcp(1200)]));
    const delivered: Alert[] = [];
    const sink: AlertSink = { deliver: async (a) => void delivered.push(a) };
    let now = T + 2 * 60_000 + 1000;
    const analyze = createAnalyzeHandler({ store, sink, alertState: fileAlertState(join(dir.path, 'state.json')), clock: { now: () => now } });
    const first = await analyze({}, localContext('analyze'));
    expect(first).toMatchObject({ conditions: 1, sent: 1, failed: 0 });
    expect(delivered.map((a) => [a.state, a.rule, a.severity])).toEqual([['firing', 'web_vital_poor', 'warning']]);
    expect(delivered[0]!.title).toMatch(/^LCP p75 is poor \(5\.\d s > 4\.0 s\) on app=shop, page=\/checkout$/);
    now += 60_000;
    await analyze({}, localContext('analyze'));
    expect(delivered).toHaveLength(1);
    now += 10 * 60_000; // the poor minute is out of the lookback: the condition no longer holds
    await analyze({}, localContext('analyze'));
    expect(delivered.map((a) => a.state)).toEqual(['firing', 'resolved']);
    store.close();
  });

  it('keeps an alert that could not be delivered for the next run, and reports the failure', async () => {
    const store = await storeWith('retry', enough([lcp(7000), lcp(8000)]));
    let failing = true;
    const delivered: Alert[] = [];
    const sink: AlertSink = {
      deliver: async (a) => {
        if (failing) throw new Error('SNS is down');
        delivered.push(a);
      },
    };
    const analyze = createAnalyzeHandler({
      store,
      sink,
      alertState: fileAlertState(join(dir.path, 'retry.json')),
      clock: { now: () => T + 2 * 60_000 },
      logger: { error: () => undefined },
    });
    await expect(analyze({}, localContext('analyze'))).rejects.toThrow(/1 of 1 alerts were not delivered/);
    failing = false;
    await analyze({}, localContext('analyze'));
    expect(delivered.map((a) => a.state)).toEqual(['firing']);
    store.close();
  });

  it('judges server-error share, slow queries and breaker transitions from one read', async () => {
    const api = (status: number): StreamMetric => ({
      name: 'api_request',
      value: 40,
      timestamp: T + 65_000,
      source: 'server',
      dimensions: { method: 'GET', endpoint: '/api/cart', status_class: `${status}xx`, status_code: `${status}00` },
    });
    const store = await storeWith('mixed', [
      ...Array.from({ length: 18 }, () => api(2)),
      api(5),
      api(5),
      api(5),
      { name: 'database_query', value: 12_500, timestamp: T + 65_000, source: 'database', dimensions: { query_type: 'SELECT', table: 'orders' } },
      { name: 'circuit_breaker_transition', value: 1, timestamp: T + 65_000, source: 'server', dimensions: { service: 'stripe', state: 'open' } },
    ]);
    const delivered: Alert[] = [];
    await createAnalyzeHandler({
      store,
      sink: { deliver: async (a) => void delivered.push(a) },
      alertState: fileAlertState(join(dir.path, 'mixed.json')),
      clock: { now: () => T + 2 * 60_000 },
    })({}, localContext('analyze'));
    expect(delivered.map((a) => `${a.rule}:${a.severity}`).sort()).toEqual([
      'circuit_breaker_open:critical',
      'extremely_slow_query:critical',
      'server_errors:error',
    ]);
    store.close();
  });

  it('locally: writes the alert log and posts Slack-compatible JSON to a webhook', async () => {
    const bodies: string[] = [];
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (c) => (body += c));
      request.on('end', () => {
        bodies.push(body);
        response.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const log = join(dir.path, 'alerts.jsonl');
    const sink = localAlertSink(log, { webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, print: () => undefined });
    const store = await storeWith('webhook', enough([lcp(9000)]));
    await createAnalyzeHandler({ store, sink, alertState: fileAlertState(join(dir.path, 'webhook.json')), clock: { now: () => T + 2 * 60_000 } })(
      {},
      localContext('analyze'),
    );
    hook.close();
    store.close();
    expect((await readAlertLog(log)).map((a) => a.rule)).toEqual(['web_vital_poor']);
    expect(JSON.parse(bodies[0]!).text).toMatch(/^\*\[WARNING\]\* LCP p75 is poor/);
  });
});

describe('analyze job in the local pipeline', () => {
  let pipeline: TestPipeline;
  afterAll(() => pipeline?.close());

  it('raises an alert from beacons sent over HTTP', async () => {
    pipeline = await startTestPipeline();
    const minuteAgo = Math.floor(Date.now() / 60_000) * 60_000 - 30_000;
    const response = await fetch(pipeline.beaconUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        beacon({
          app: 'alerting',
          metrics: Array.from({ length: 7 }, () => [5100, 6200, 7000])
            .flat()
            .map((value) => ({ name: 'web_vitals_inp', value, timestamp: minuteAgo })),
        }),
      ),
    });
    expect(response.status).toBe(202);
    await pipeline.pipeline.consumer.drained(5000);
    await pipeline.pipeline.analyze();
    const alerts = await readAlertLog(join(pipeline.dataDir, 'alerts.jsonl'));
    expect(alerts.map((a) => [a.rule, a.metric, a.dimensions?.app])).toEqual([['web_vital_poor', 'web_vitals_inp', 'alerting']]);
    // The link opens the dashboard at that app and page, not the JSON API.
    expect(alerts[0]!.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?app=alerting&page=%2F[^&]*&range=1h&metric=web_vitals_inp$/);
  });
});

describe('GET /v1/alerts and /v1/advice in the local pipeline', () => {
  let pipeline: TestPipeline;
  afterAll(() => pipeline?.close());

  it('lists open and recent alerts, and advice for the period', async () => {
    pipeline = await startTestPipeline();
    const minuteAgo = Math.floor(Date.now() / 60_000) * 60_000 - 30_000;
    await fetch(pipeline.beaconUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        app: 'api',
        metrics: [
          {
            name: 'database_query',
            value: 12_000,
            timestamp: minuteAgo,
            tags: { fingerprint: 'SELECT * FROM t WHERE x LIKE ?', table: 't', query_type: 'SELECT' },
          },
        ],
      }),
    });
    await pipeline.pipeline.consumer.drained(5000);
    await pipeline.pipeline.analyze();
    const alerts = (await (await fetch(`${pipeline.pipeline.url}/v1/alerts`)).json()) as {
      open: { rule: string }[];
      recent: { rule: string; state: string }[];
    };
    expect(alerts.open.map((a) => a.rule)).toEqual(['extremely_slow_query']);
    expect(alerts.recent.map((a) => [a.rule, a.state])).toEqual([['extremely_slow_query', 'firing']]);
    const advice = (await (await fetch(`${pipeline.pipeline.url}/v1/advice?app=api`)).json()) as {
      advice: { rule: string; evidence: { fingerprint: string }[] }[];
    };
    expect(advice.advice.map((a) => a.rule)).toEqual(['slow_queries']);
    expect(advice.advice[0]!.evidence[0]!.fingerprint).toBe('SELECT * FROM t WHERE x LIKE ?');
    expect((await fetch(`${pipeline.pipeline.url}/v1/advice?from=tomorrow`)).status).toBe(400);
    const anomalies = (await (await fetch(`${pipeline.pipeline.url}/v1/anomalies?metric=database_query`)).json()) as {
      checkedAt: string | null;
      current: unknown[];
    };
    expect(anomalies.checkedAt).not.toBeNull();
    expect(anomalies.current).toEqual([]);
  });
});

describe('analyze job: anomalies', () => {
  it('replays each alert group through the detector and raises an anomaly alert for an unusual bucket', async () => {
    const store = openSqliteStore(join(dir.path, 'anomaly.db'));
    const start = T - 3 * 86_400_000;
    const records = [];
    // Three days of per-minute api_request p95 around a daily cycle, then a burst of slow requests.
    for (let minute = 0; minute < 3 * 1440; minute += 1) {
      const t = start + minute * 60_000;
      const base = 120 + 40 * Math.sin((2 * Math.PI * minute) / 1440);
      // The newest 40 minutes: longer than the detector's 7-bucket downsampling step, inside the hour a first run reports.
      const incident = minute >= 3 * 1440 - 40;
      const metrics: StreamMetric[] = Array.from({ length: 3 }, (_, i) => ({
        name: 'api_request',
        value: incident ? 2400 + i * 50 : base + i * 3,
        timestamp: t + 1000,
        source: 'server',
        dimensions: { method: 'GET', endpoint: '/api/search', status_class: '2xx' },
      }));
      records.push({
        seq: minute + 1,
        partitionKey: 'p',
        arrivedAt: t,
        data: encodeStreamRecord({ v: 1, beaconId: `b${minute}`, receivedAt: t, common: { app: 'shop' }, metrics }),
      });
    }
    await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    const delivered: Alert[] = [];
    const result = await createAnalyzeHandler({
      store,
      sink: { deliver: async (a) => void delivered.push(a) },
      alertState: fileAlertState(join(dir.path, 'anomaly.json')),
      clock: { now: () => T + 30_000 },
      anomalyEveryMs: 15 * 60_000,
    })({}, localContext('analyze'));
    expect((result as AnalyzeResult).anomalies).toBe(1);
    const anomaly = delivered.find((a) => a.rule === 'anomaly')!;
    expect(anomaly.title).toMatch(/^Unusual api_request p95 \(\d+ ms\) on app=shop, method=GET, endpoint=\/api\/search$/);
    expect(anomaly.message).toMatch(/ARTime score (0\.\d\d|1\.00), alerting at 0\.32/);
    store.close();
  }, 60_000);
});

describe('analyze job: scheduled forecasts', () => {
  it('refits one forecast per app and per busiest endpoint on its schedule, stores them, and the query API answers from them', async () => {
    const store = openSqliteStore(join(dir.path, 'forecast-schedule.db'));
    const HOUR = 3_600_000;
    const start = T - 14 * 24 * HOUR;
    const records = Array.from({ length: 14 * 24 }, (_, h) => ({
      seq: h + 1,
      partitionKey: 'p',
      arrivedAt: start + h * HOUR,
      data: encodeStreamRecord({
        v: 1,
        beaconId: `f${h}`,
        receivedAt: start + h * HOUR,
        common: { app: h % 2 ? 'shop' : 'blog' },
        metrics: [
          {
            name: 'api_request',
            value: 100 + 50 * Math.sin((2 * Math.PI * h) / 24),
            timestamp: start + h * HOUR + 60_000,
            source: 'server',
            dimensions: { endpoint: '/api/x' },
          },
        ],
      }),
    }));
    await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    const forecasts = fileForecastStore(join(dir.path, 'forecasts.json'));
    let now = T + 5000;
    const analyze = createAnalyzeHandler({
      store,
      forecasts,
      sink: { deliver: async () => undefined },
      alertState: fileAlertState(join(dir.path, 'forecast-state.json')),
      clock: { now: () => now },
      anomalyEveryMs: 0,
    });
    expect(await analyze({}, localContext('analyze'))).toMatchObject({ forecasts: 4 }); // shop and blog, each as a whole and for /api/x
    now += HOUR;
    expect(await analyze({}, localContext('analyze'))).toMatchObject({ forecasts: 0 }); // not due: every 6 h
    const stored = await forecasts.load(forecastKey('api_request', { app: 'shop' }));
    expect(stored).toMatchObject({ metric: 'api_request', statistic: 'p95', dimensions: { app: 'shop' }, fittedAt: new Date(T).toISOString() });
    expect(stored!.forecast).toHaveLength(168);

    const query = createQueryHandler({ store, forecasts, allowedOrigins: [], clock: { now: () => now } });
    const scheduled = json(
      await query(httpEvent('GET', '/v1/forecasts', { query: { metric: 'api_request', app: 'shop', horizon_hours: '24' } }), localContext('q')),
    );
    expect(scheduled).toMatchObject({ fitted: 'scheduled', fittedAt: new Date(T).toISOString() });
    expect(scheduled.forecast).toEqual(stored!.forecast.slice(0, 24));
    const endpoint = json(
      await query(
        httpEvent('GET', '/v1/forecasts', { query: { metric: 'api_request', app: 'shop', endpoint: '/api/x', horizon_hours: '24' } }),
        localContext('q'),
      ),
    );
    expect(endpoint).toMatchObject({ fitted: 'scheduled', filters: { app: 'shop', endpoint: '/api/x' } });
    expect(endpoint.forecast).toEqual((await forecasts.load(forecastKey('api_request', { app: 'shop', endpoint: '/api/x' })))!.forecast.slice(0, 24));
    const onRequest = json(
      await query(httpEvent('GET', '/v1/forecasts', { query: { metric: 'api_request', app: 'shop', method: 'GET', horizon_hours: '24' } }), localContext('q')),
    );
    expect(onRequest.fitted).toBe('on-request');
    store.close();
  });
});

describe('analyze job: trend alerts', () => {
  it('sends a week-over-week trend alert once, with the numbers and a dashboard link, and holds it open between refits', async () => {
    const store = openSqliteStore(join(dir.path, 'trend.db'));
    const HOUR = 3_600_000;
    const start = T - 14 * 24 * HOUR;
    const random = seededRandom(12);
    const records = Array.from({ length: 14 * 24 }, (_, h) => ({
      seq: h + 1,
      partitionKey: 'p',
      arrivedAt: start + h * HOUR,
      data: encodeStreamRecord({
        v: 1,
        beaconId: `w${h}`,
        receivedAt: start + h * HOUR,
        common: { app: 'shop' },
        metrics: [
          {
            name: 'api_request',
            value: (h >= 7 * 24 ? 1.3 : 1) * (400 + 150 * Math.sin((2 * Math.PI * h) / 24)) * (1 + 0.04 * (random() - 0.5)),
            timestamp: start + h * HOUR + 60_000,
            source: 'server',
            dimensions: { endpoint: '/api/cart' },
          },
        ],
      }),
    }));
    await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    const delivered: Alert[] = [];
    let now = T + 5000;
    const analyze = createAnalyzeHandler({
      store,
      forecasts: fileForecastStore(join(dir.path, 'trend-forecasts.json')),
      sink: { deliver: async (alert) => void delivered.push(alert) },
      alertState: fileAlertState(join(dir.path, 'trend-state.json')),
      clock: { now: () => now },
      anomalyEveryMs: 0,
      link: (condition) => `https://dash.example/?metric=${condition.metric}&app=${condition.dimensions.app}`,
    });
    await analyze({}, localContext('analyze'));
    const trend = delivered.filter((a) => a.rule === 'trend_week_over_week');
    expect(trend.map((a) => a.dimensions)).toEqual([{ app: 'shop' }, { app: 'shop', endpoint: '/api/cart' }]);
    expect(trend[0]).toMatchObject({ severity: 'info', state: 'firing', link: 'https://dash.example/?metric=api_request&app=shop' });
    expect(trend[0]!.title).toMatch(/^api_request p95 on app=shop is 3\d % worse than last week$/);
    expect(trend[0]!.message).toMatch(/averaged \d{3} ms over the last 7 days against \d{3} ms at the same hours a week earlier/);
    // An hour later the forecasts are not due: the finding holds, and nothing is sent again.
    now += HOUR;
    delivered.length = 0;
    await analyze({}, localContext('analyze'));
    expect(delivered.filter((a) => a.rule.startsWith('trend_'))).toEqual([]);
    store.close();
  });
});

describe('analyze job: reads', () => {
  it('reads the store once a run (twice when the forecasts are due), since Timestream bills every query 30 s at least', async () => {
    const store = await storeWith('reads', enough([lcp(7000), lcp(7200)]));
    const reads: [number, number][] = [];
    const counting = {
      ...store,
      readMetrics: (metrics: readonly string[], from: number, to: number) => (reads.push([from, to]), store.readMetrics(metrics, from, to)),
    };
    let now = T + 2 * 60_000;
    const analyze = createAnalyzeHandler({
      store: counting,
      forecasts: fileForecastStore(join(dir.path, 'reads-forecasts.json')),
      sink: { deliver: async () => undefined },
      alertState: fileAlertState(join(dir.path, 'reads.json')),
      clock: { now: () => now },
    });
    const first = await analyze({}, localContext('analyze'));
    expect(reads).toHaveLength(2); // the eight days (recent minutes included) and the forecasts' four weeks
    expect(first).toMatchObject({ conditions: 1 }); // the poor LCP minute came out of the eight-day read
    now += 60_000;
    reads.length = 0;
    await analyze({}, localContext('analyze'));
    expect(reads).toHaveLength(1);
    expect(reads[0]![1] - reads[0]![0]).toBe(5 * 60_000);
    store.close();
  });
});

describe('analyze job: stored bucket statistics', () => {
  it('keeps the statistics a full read gives and the detector a one-pass replay of them gives, while reading only the minutes since the last run', async () => {
    const store = openSqliteStore(join(dir.path, 'buckets.db'));
    const MINUTE = 60_000;
    // Four days: the first run's read (three days) starts on data, and the detector has learned well before the incident.
    const start = T - 4 * 24 * 60 * MINUTE;
    const incidentAt = T - 3 * 60 * MINUTE;
    const random = seededRandom(5);
    const metrics: StreamMetric[] = [];
    for (let t = start; t < T + 6 * 60 * MINUTE; t += MINUTE) {
      for (const endpoint of ['/api/a', '/api/b', '/api/c']) {
        const daily = 200 + 80 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
        const broken = endpoint === '/api/b' && t >= incidentAt && t < incidentAt + 40 * MINUTE;
        for (let i = 0; i < 3; i++)
          metrics.push({
            name: 'api_request',
            value: (broken ? 2500 : daily) * (0.8 + 0.4 * random()),
            timestamp: t + 1000 * i,
            source: 'server',
            dimensions: { method: 'GET', endpoint },
          });
      }
    }
    // Beacons arrive two minutes late: the newest bucket a run sees is incomplete, and only a later
    // run can settle it.
    let ingested = 0;
    let seq = 0; // stream sequence numbers go on across batches: a repeated one is a replay
    const ingestUntil = async (t: number) => {
      const due = metrics.slice(ingested).filter((m) => m.timestamp < t);
      ingested += due.length;
      const records = [];
      for (let i = 0; i < due.length; i += 450) {
        records.push({
          seq: ++seq,
          partitionKey: 'p',
          arrivedAt: t,
          data: encodeStreamRecord({ v: 1, beaconId: `m${t}-${i}`, receivedAt: t, common: { app: 'shop' }, metrics: due.slice(i, i + 450) }),
        });
      }
      if (records.length) await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    };
    let now = T - 6 * 60 * MINUTE + 30_000;
    const reads: number[] = [];
    const counting = { ...store, readMetrics: (m: readonly string[], from: number, to: number) => (reads.push(to - from), store.readMetrics(m, from, to)) };
    const sink = { deliver: async () => undefined };
    const bucketForecasts = fileForecastStore(join(dir.path, 'bucket-forecasts.json'));
    const withHistory = createAnalyzeHandler({
      store: counting,
      sink,
      forecasts: bucketForecasts,
      forecastEveryMs: 3 * 3600_000,
      keptStatistics: fileKeptStatistics(join(dir.path, 'buckets.json')),
      alertState: fileAlertState(join(dir.path, 'buckets-a.json')),
      clock: { now: () => now },
    });
    const found: { endpoint: string; at: number }[] = [];
    const firstRead = Math.floor((now - ANOMALY_HISTORY_MS) / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS;
    for (let run = 0; run < 24; run++, now += 15 * MINUTE) {
      await ingestUntil(now - 2 * MINUTE);
      await withHistory({}, localContext('a'));
      const conditions = (await fileAlertState(join(dir.path, 'buckets-a.json')).load()).anomalies!.conditions;
      found.push(...conditions.map((c) => ({ endpoint: c.dimensions.endpoint!, at: c.windowStart! })));
    }
    // The incident is found within the detector's 7-bucket downsampling step, and nothing else is.
    expect(found.some((f) => f.endpoint === '/api/b' && f.at >= incidentAt && f.at < incidentAt + 40 * MINUTE + 7 * ANOMALY_BUCKET_MS)).toBe(true);
    expect(found.every((f) => f.endpoint === '/api/b')).toBe(true);
    expect(reads).toHaveLength(24); // one read a run, forecast refits included (they fit on the kept hours)
    const forecast = await bucketForecasts.load(forecastKey('api_request', { app: 'shop' }));
    expect(forecast!.forecast).toHaveLength(168);
    expect(forecast!.fittedAt).toBe(new Date(Math.floor((T - 6 * 60 * MINUTE + 30_000 + 12 * 15 * MINUTE) / MINUTE) * MINUTE).toISOString());
    expect(reads[0]).toBeGreaterThanOrEqual(ANOMALY_HISTORY_MS); // the first run builds the history
    expect(Math.max(...reads.slice(1))).toBeLessThanOrEqual(31 * MINUTE); // then the last half hour at most
    // What was kept is what a full read finds now: late minutes reached the buckets they belong to.
    const to = Math.floor((now - 15 * MINUTE) / MINUTE) * MINUTE;
    const kept = (await fileKeptStatistics(join(dir.path, 'buckets.json')).load())!;
    const full = bucketStatistics(
      [...(await store.readMetrics(ALERT_METRICS, to - ANOMALY_HISTORY_MS, to))],
      Math.floor(to / ANOMALY_BUCKET_MS) * ANOMALY_BUCKET_MS,
    );
    expect(kept.series.map((s) => s.points.times.length)).toEqual(full.map((s) => s.points.times.length));
    for (const [i, s] of kept.series.entries()) {
      for (const [j, [t, v]] of pairsOf(s.points).entries()) {
        expect(t).toBe(full[i]!.points.times[j]);
        expect(Math.abs(v - full[i]!.points.values[j]!)).toBeLessThan(0.01);
      }
    }
    // Each kept detector is where one pass over every settled bucket since the first read leaves a fresh one.
    const everything = bucketStatistics([...(await store.readMetrics(ALERT_METRICS, firstRead, kept.settled))], kept.settled);
    for (const s of kept.series) {
      const replay = createAnomalyDetector();
      const same = everything.find((e) => e.metric === s.metric && JSON.stringify(e.dimensions) === JSON.stringify(s.dimensions))!;
      for (const [t, v] of pairsOf(same.points)) replay.update(t, v);
      expect(s.detector).toEqual(replay.state());
    }
    // The forecasts' hours: every settled minute folded exactly once, each closed hour's p95 as a full read gives it.
    const settledMinutes = [...(await store.readMetrics(['api_request'], to - ANOMALY_HISTORY_MS, kept.settled))];
    const hourOf = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;
    const openHour = kept.hourly!.open.find((p) => p.metric === 'api_request')!;
    expect(openHour.count).toBe(settledMinutes.filter((p) => hourOf(p.windowStart) === openHour.windowStart).reduce((n, p) => n + p.count, 0));
    const closed = kept.hourly!.series.find((s) => s.metric === 'api_request')!;
    expect(closed.points.times.length).toBeGreaterThanOrEqual(66 + 5); // every hour of the three days, then one an hour
    for (const [hour, p95] of pairsOf(closed.points).slice(-30)) {
      const merged = emptyPartial('api_request', hour, {});
      for (const p of settledMinutes) if (hourOf(p.windowStart) === hour) mergeInto(merged, p);
      expect(Math.abs(p95 - summarize(merged).p95)).toBeLessThan(0.01);
    }
    store.close();
  });
});

describe('analyze job: an alert storm', () => {
  it('sends at most 5 notifications per app a run and one digest for the rest, and none of them again next run', async () => {
    // 40 pages of one app turn poor in the same minute (a crawler, a release that renamed routes).
    const metrics = Array.from({ length: 40 }, (_, page) => enough([lcp(6000)]).map((m) => ({ ...m, dimensions: { page: `/p/${page}` } })));
    const store = openSqliteStore(join(dir.path, 'storm.db'));
    const records = metrics.map((m, i) => ({
      seq: i + 1,
      partitionKey: 'p',
      arrivedAt: T,
      data: encodeStreamRecord({ v: 1, beaconId: `b${i}`, receivedAt: T, common: { app: 'shop', page: `/p/${i}` }, metrics: m }),
    }));
    await createAggregateHandler({ store })(toKinesisEvent(records), localContext('a'));
    const delivered: Alert[] = [];
    let now = T + 2 * 60_000 + 1000;
    const analyze = createAnalyzeHandler({
      store,
      sink: { deliver: async (a) => void delivered.push(a) },
      alertState: fileAlertState(join(dir.path, 'storm.json')),
      clock: { now: () => now },
    });
    expect(await analyze({}, localContext('analyze'))).toMatchObject({ conditions: 40, sent: 40, failed: 0 });
    expect(delivered).toHaveLength(6);
    expect(delivered.at(-1)!.title).toBe('shop: and 35 more firing alerts this run');
    now += 60_000;
    await analyze({}, localContext('analyze'));
    expect(delivered).toHaveLength(6);
    store.close();
  });
});
