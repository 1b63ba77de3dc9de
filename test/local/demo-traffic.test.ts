import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAlertLog } from '../../local/adapters/alert-log.ts';
import { startDemoTraffic } from '../../local/demo/demo-traffic.ts';
import { startLocalProcess, waitFor, type LocalProcess } from '../../bench/support/local-process.ts';
import { startTestPipeline, totalCount, type TestPipeline } from '../helpers/pipeline.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

let pipeline: TestPipeline;
let process_: LocalProcess | undefined;
const dir = tempDir();
afterAll(async () => {
  await pipeline?.close();
  if (process_?.child.exitCode === null) process_.child.kill('SIGKILL');
  dir.remove();
});

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
    // ARTime masks its alerts for hours after each new pattern and each vigilance update, so whether
    // it flags a 40-minute incident depends on where its cycle stands (measured at four times of day:
    // both incident series at two, one at the other two). What it flags must be the incident.
    const anomalies = alerts.filter((a) => a.rule === 'anomaly');
    for (const anomaly of anomalies) expect(anomaly.title).toMatch(/api\/checkout|orders/);
  }, 120_000);

  it('shows a newcomer threshold and anomaly alerts for the incident within a minute of VITALSTREAM_DEMO=1 npm start', async () => {
    process_ = await startLocalProcess({ VITALSTREAM_DATA_DIR: dir.path, VITALSTREAM_DEMO: '1' });
    const lines = await waitFor(
      async () => {
        const alerts = process_!
          .output()
          .split('\n')
          .filter((line) => line.startsWith('[alert]'));
        return alerts.length >= 3 ? alerts : undefined;
      },
      60_000,
      `three alerts in the output of npm start:\n${process_.output()}`,
    );
    const joined = lines.join('\n');
    for (const phrase of ['Requests over 5 s', 'server errors', 'Slow queries']) expect(joined).toContain(phrase);
    // Anomaly alerts, when the detector's masking lets them through, name the incident's series.
    for (const line of lines.filter((l) => l.includes('Unusual'))) expect(line).toMatch(/Unusual (api_request|database_query) p95/);
  }, 90_000);
});
