import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalConfig } from '../../local/config.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { beacon, metric } from '../helpers/beacons.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const start = (dataDir: string, log: (line: string) => void = () => undefined) =>
  startPipeline({ host: '127.0.0.1', port: 0, dataDir, allowedOrigins: [], analyzeEveryMs: 0 }, log);

describe('local settings a typo could turn into a wrong deployment', () => {
  it('refuses VITALSTREAM_APPS entries that no beacon could ever carry, naming them', () => {
    expect(() => readLocalConfig({ VITALSTREAM_APPS: 'shop,Shop!,-x' })).toThrow(/VITALSTREAM_APPS: 'Shop!', '-x' can never match/);
    expect(readLocalConfig({ VITALSTREAM_APPS: 'shop, blog.v2' }).allowedApps).toEqual(new Set(['shop', 'blog.v2']));
  });

  it('refuses * and anything that is not an origin in VITALSTREAM_ALLOWED_ORIGINS', () => {
    expect(() => readLocalConfig({ VITALSTREAM_ALLOWED_ORIGINS: '*' })).toThrow(/VITALSTREAM_ALLOWED_ORIGINS: '\*' is not an origin/);
    expect(() => readLocalConfig({ VITALSTREAM_ALLOWED_ORIGINS: 'shop.example.com' })).toThrow(/not an origin/);
    expect(readLocalConfig({ VITALSTREAM_ALLOWED_ORIGINS: 'https://*.example.com,http://localhost:*' }).allowedOrigins).toEqual([
      'https://*.example.com',
      'http://localhost:*',
    ]);
  });
});

describe('start-up errors that name the file', () => {
  const readOnly = tempDir('vitalstream-ro-');
  beforeAll(() => {
    // A real read-only file system (this needs root, as CI and the development machines run).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly.path]);
  });
  afterAll(() => {
    execFileSync('umount', ['-l', readOnly.path]);
    readOnly.remove();
  });

  it('names a data directory that cannot be written', async () => {
    await expect(start(readOnly.path)).rejects.toThrow(`data directory ${readOnly.path} cannot be written (EROFS)`);
    await expect(start(join(readOnly.path, 'sub'))).rejects.toThrow(/data directory .*\/sub cannot be written \((EROFS|ENOENT)\)/);
  });

  for (const file of ['stream.db', 'metrics.db']) {
    it(`names a damaged ${file} and says what to do`, async () => {
      const dir = tempDir();
      try {
        mkdirSync(dir.path, { recursive: true });
        writeFileSync(join(dir.path, file), 'this is not a SQLite database, only text that looks nothing like one'.repeat(100));
        await expect(start(dir.path)).rejects.toThrow(new RegExp(`${join(dir.path, file)} cannot be opened: .*damaged or not a vitalstream file`));
      } finally {
        dir.remove();
      }
    });
  }
});

describe('an emptied metrics.db beside a stream that still holds its records', () => {
  it('is refolded from the stream, never served as empty history', async () => {
    const dir = tempDir();
    const dataDir = dir.path;
    const p = { pipeline: await start(dataDir) };
    const beaconUrl = `${p.pipeline.url}/v1/beacon`;
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(beaconUrl, { method: 'POST', body: JSON.stringify(beacon({ metrics: [metric({ value: 100 + i, timestamp: now })] })) });
      expect(answer.status).toBe(202);
    }
    await p.pipeline.consumer.drained(10_000);
    await p.pipeline.close();
    // The user deletes the metrics file by hand (or restores an empty one).
    execFileSync('rm', ['-f', join(dataDir, 'metrics.db'), join(dataDir, 'metrics.db-wal'), join(dataDir, 'metrics.db-shm')]);
    const lines: string[] = [];
    const again = await start(dataDir, (line) => lines.push(line));
    try {
      expect(lines.join('\n')).toMatch(/metrics.db is empty but the stream was folded up to record \d+: refolding/);
      await again.consumer.drained(10_000);
      const query = new URLSearchParams({ metric: 'web_vitals_lcp', from: String(now - 3_600_000), to: String(now + 60_000) });
      const answer = (await (await fetch(`${again.url}/v1/aggregates?${query}`)).json()) as { series: { points: { count: number }[] }[] };
      expect(answer.series.flatMap((s) => s.points).reduce((n, pt) => n + pt.count, 0)).toBe(5);
    } finally {
      await again.close();
      dir.remove();
    }
  });
});
