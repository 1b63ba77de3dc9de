import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DASHBOARD_FILES } from '../../dashboard/manifest.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const out = tempDir('vitalstream-cdk-');
afterAll(() => out.remove());

/** `cdk synth` as a user runs it, offline: no credentials, no telemetry, no update check. */
const cdkSynth = (outDir: string, context: string[]) =>
  promisify(execFile)(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '-q', '--no-notices', '-o', outDir, ...context.flatMap((c) => ['-c', c])], {
    cwd: ROOT,
    timeout: 240_000,
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      npm_config_update_notifier: 'false',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    },
  });

describe('cdk synth', () => {
  it('synthesizes offline, with no credentials and no Docker, bundling every function with esbuild', async () => {
    await cdkSynth(out.path, ['alertEmail=ops@example.com']);
    const template = JSON.parse(readFileSync(join(out.path, 'vitalstream.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBe(6);
    const assetDirs = functions.map((fn) => join(out.path, fn.Metadata!['aws:asset:path']!));
    for (const assetDir of assetDirs) expect(existsSync(join(assetDir, 'index.js'))).toBe(true);
    // The analyze function carries its worker-thread script, bundled on its own.
    expect(assetDirs.filter((dir) => existsSync(join(dir, 'detect-worker.js')))).toHaveLength(1);
    // The dashboard function carries every file of the page, byte for byte, under its repository path.
    const dashboard = assetDirs.filter((dir) => existsSync(join(dir, 'dashboard/index.html')));
    expect(dashboard).toHaveLength(1);
    for (const file of Object.values(DASHBOARD_FILES)) {
      expect(readFileSync(join(dashboard[0]!, file.path)).equals(readFileSync(join(ROOT, file.path)))).toBe(true);
    }
    expect(readdirSync(out.path).some((f) => f.startsWith('asset.'))).toBe(true);
  }, 300_000);

  it('prints one line, not a stack trace, for a misspelled context key, and synthesizes nothing', async () => {
    const failed = await cdkSynth(join(out.path, 'typo'), ['metricstore=dynamodb']).then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toMatch(/vitalstream: unknown context key 'metricstore' \(did you mean 'metricStore'\?\)/);
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('synthesizes the DynamoDB store for accounts without Timestream, offline too', async () => {
    const dynamoOut = tempDir('vitalstream-cdk-dynamo-');
    try {
      await cdkSynth(dynamoOut.path, ['metricStore=dynamodb', 'apps=shop']);
      const template = JSON.parse(readFileSync(join(dynamoOut.path, 'vitalstream.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      const types = Object.values(template.Resources).map((r) => r.Type);
      expect(types.filter((t) => t.startsWith('AWS::Timestream'))).toEqual([]);
      expect(types.filter((t) => t === 'AWS::DynamoDB::Table')).toHaveLength(2);
    } finally {
      dynamoOut.remove();
    }
  }, 300_000);
});
