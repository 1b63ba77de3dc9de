import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const pipelines: TestPipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

async function start(lines: string[]) {
  const p = await startTestPipeline({}, (line) => lines.push(line));
  pipelines.push(p);
  return p;
}

const health = async (p: TestPipeline) => {
  const answer = await fetch(`${p.pipeline.url}/healthz`);
  return { status: answer.status, reasons: ((await answer.json()) as { reasons: string[] }).reasons };
};

describe('a damaged analysis state file', () => {
  for (const [file, content] of [
    ['alert-state.json', '{"open":{"web_vitals_lcp|{\\"app\\":\\"shop\\"}":{"condition":{"key":"x"'],
    ['bucket-history.json', JSON.stringify({ v: 2, settled: 5, series: [{ name: 'cpu', values: [1, 2, 3] }] })],
    ['forecasts.json', '[1, 2, 3]'],
  ] as const) {
    it(`${file}: is named, moved aside as .corrupt, and alerting goes on from an empty state`, async () => {
      const lines: string[] = [];
      const p = await start(lines);
      writeFileSync(join(p.dataDir, file), content);
      await p.pipeline.analyze();
      await p.pipeline.analyze();
      expect(lines.join('\n')).toContain(`${file} could not be read`);
      expect(lines.join('\n')).toContain(`moved aside as ${file}.corrupt`);
      expect(readFileSync(join(p.dataDir, `${file}.corrupt`), 'utf8')).toBe(content);
      expect(lines.filter((l) => /^\[analyze\] /.test(l) && !l.includes('could not be read'))).toEqual([]);
      expect((await fetch(`${p.pipeline.url}/v1/alerts`)).status).toBe(200);
      expect((await health(p)).status).toBe(200);
    });
  }
});

describe('/healthz', () => {
  it('turns 503 once the analysis job has failed three runs in a row, and 200 after one succeeds', async () => {
    const lines: string[] = [];
    const p = await start(lines);
    // A folder where the alert state file should be: every run fails to read it.
    const state = join(p.dataDir, 'alert-state.json');
    mkdirSync(state);
    await p.pipeline.analyze();
    await p.pipeline.analyze();
    expect((await health(p)).status).toBe(200);
    await p.pipeline.analyze();
    const failing = await health(p);
    expect(failing.status).toBe(503);
    expect(failing.reasons.join(' ')).toMatch(/the analysis job failed 3 runs in a row, so no alert is raised: .*EISDIR/);
    rmSync(state, { recursive: true });
    await p.pipeline.analyze();
    expect((await health(p)).status).toBe(200);
    expect(existsSync(state)).toBe(true);
  });
});
