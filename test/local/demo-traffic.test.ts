import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAlertLog } from '../../local/alert-log.ts';
import { startDemoTraffic } from '../../local/demo-traffic.ts';
import { startTestPipeline, totalCount, type TestPipeline } from '../helpers/pipeline.ts';

let pipeline: TestPipeline;
afterAll(() => pipeline?.close());

describe('demo traffic (VITALSTREAM_DEMO=1 npm start)', () => {
  it('backfills hours of browser and server traffic and ends in an incident the alerts catch', async () => {
    pipeline = await startTestPipeline();
    const demo = startDemoTraffic(pipeline.beaconUrl, pipeline.pipeline.stream, () => undefined);
    await demo.ready;
    demo.stop();
    const now = Date.now();
    const lcp = await pipeline.aggregates('web_vitals_lcp', { app: 'demo-shop', from: String(now - 7 * 3_600_000), to: String(now + 60_000) });
    expect(lcp.series[0]!.points.length).toBeGreaterThan(300);
    expect(totalCount(await pipeline.aggregates('api_request', { app: 'demo-api' }))).toBeGreaterThan(100);
    await pipeline.pipeline.analyze();
    const alerts = await readAlertLog(join(pipeline.dataDir, 'alerts.jsonl'));
    console.log(alerts.map((a) => `${a.rule}: ${a.title}`).join('\n'));
    const rules = alerts.map((a) => a.rule);
    expect(rules).toContain('slow_request');
    expect(rules).toContain('slow_query');
    expect(rules).toContain('server_errors');
    expect(rules).toContain('anomaly');
  }, 120_000);
});
