import type { LocalConfig } from '../../local/config.ts';
import { startPipeline, type RunningPipeline } from '../../local/pipeline.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

export interface TestPipeline {
  pipeline: RunningPipeline;
  beaconUrl: string;
  dataDir: string;
  /** Waits until everything accepted is aggregated, then reads /v1/aggregates. */
  aggregates(
    metric: string,
    params?: Record<string, string>,
  ): Promise<{
    series: { dimensions: Record<string, string>; points: { count: number; min: number; max: number; avg: number; sum: number; p75: number }[] }[];
  }>;
  close(): Promise<void>;
}

/** The real local pipeline (HTTP server, SQLite stream and store, consumer) in this process. */
export async function startTestPipeline(config: Partial<LocalConfig> = {}, log: (line: string) => void = () => undefined): Promise<TestPipeline> {
  const dir = tempDir();
  const pipeline = await startPipeline({ host: '127.0.0.1', port: 0, dataDir: dir.path, allowedOrigins: [], analyzeEveryMs: 0, ...config }, log);
  return {
    pipeline,
    beaconUrl: `${pipeline.url}/v1/beacon`,
    dataDir: dir.path,
    async aggregates(metric, params = {}) {
      await pipeline.consumer.drained(10_000);
      const query = new URLSearchParams({ metric, from: String(Date.now() - 3_600_000), to: String(Date.now() + 60_000), ...params });
      const response = await fetch(`${pipeline.url}/v1/aggregates?${query}`);
      if (response.status !== 200) throw new Error(`query failed: ${response.status} ${await response.text()}`);
      return response.json() as never;
    },
    async close() {
      await pipeline.close();
      dir.remove();
    },
  };
}

export const totalCount = (answer: { series: { points: { count: number }[] }[] }): number =>
  answer.series.flatMap((s) => s.points).reduce((n, p) => n + p.count, 0);
