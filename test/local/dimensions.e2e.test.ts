import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

let p: TestPipeline;
beforeAll(async () => (p = await startTestPipeline()));
afterAll(() => p.close());

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('release, connection and browser as stored dimensions', () => {
  it('answers group_by=release, connection and browser, the browser family taken from the request', async () => {
    const send = (userAgent: string, release: string, connection: string, value: number) =>
      fetch(p.beaconUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': userAgent },
        body: JSON.stringify({ app: 'dims', context: { page: '/', release, connection }, metrics: [{ name: 'web_vitals_lcp', value, timestamp: Date.now() }] }),
      });
    expect((await send(CHROME, '1.0.0', '4g', 1000)).status).toBe(202);
    expect((await send(FIREFOX, '1.1.0', '3g', 3000)).status).toBe(202);
    expect((await send(CHROME, '1.1.0', '4g', 2000)).status).toBe(202);
    const grouped = async (dimension: string) =>
      (await p.aggregates('web_vitals_lcp', { app: 'dims', group_by: dimension, step: 'total' })).series.map((s) => [
        s.dimensions[dimension],
        s.points[0]!.count,
      ]);
    expect(await grouped('release')).toEqual([
      ['1.0.0', 1],
      ['1.1.0', 2],
    ]);
    expect(await grouped('connection')).toEqual([
      ['3g', 1],
      ['4g', 2],
    ]);
    expect(await grouped('browser')).toEqual([
      ['Chrome', 2],
      ['Firefox', 1],
    ]);
  });
});
