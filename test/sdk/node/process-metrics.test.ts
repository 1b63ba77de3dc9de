import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../../packages/node/src/monitor.ts';
import { startProcessMetrics } from '../../../packages/node/src/process-metrics.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';

let pipeline: TestPipeline;
beforeAll(async () => (pipeline = await startTestPipeline()));
afterAll(() => pipeline.close());

describe('process metrics', () => {
  it('reports memory, CPU and event-loop delay, and sees a blocked loop', async () => {
    const monitor = createMonitor({ app: 'proc-app', endpoint: pipeline.beaconUrl });
    const stop = startProcessMetrics(monitor, 300);
    await new Promise((r) => setTimeout(r, 50));
    const end = Date.now() + 150;
    while (Date.now() < end) {
      /* block the event loop for 150 ms */
    }
    await new Promise((r) => setTimeout(r, 400));
    stop();
    await monitor.shutdown();
    const max = async (metric: string, extra: Record<string, string> = {}) =>
      Math.max(...(await pipeline.aggregates(metric, { app: 'proc-app', ...extra })).series.flatMap((s) => s.points.map((p) => p.max)));
    expect(await max('memory_rss')).toBeGreaterThan(10 * 1024 * 1024);
    expect(await max('memory_heap_used')).toBeGreaterThan(0);
    expect(await max('cpu_usage')).toBeGreaterThan(10);
    expect(await max('event_loop_delay', { percentile: 'max' })).toBeGreaterThanOrEqual(100);
  });
});
