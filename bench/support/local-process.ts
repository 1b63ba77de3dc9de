import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface LocalProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs exactly what `npm start` runs (read from package.json), on this Node, without npm in
 * between, so a signal reaches the server process itself.
 */
export async function startLocalProcess(env: Record<string, string>, options: { outputFile?: string } = {}): Promise<LocalProcess> {
  const script: string = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts.start;
  // `npm start` builds the browser SDK first (npm test does too), then runs the server.
  const [command, ...args] = script.split('&&').at(-1)!.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start no longer runs node directly: ${script}`);
  // With outputFile, stdout and stderr go to that file (on a disk a test may fill) instead of pipes.
  const fd = options.outputFile ? openSync(options.outputFile, 'a') : undefined;
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'] });
  if (fd !== undefined) closeSync(fd);
  let piped = '';
  child.stdout?.on('data', (chunk) => (piped += chunk));
  child.stderr?.on('data', (chunk) => (piped += chunk));
  const output = () => (options.outputFile ? readFileSync(options.outputFile, 'utf8') : piped);
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no start-up line within 20 s:\n${output()}`));
    }, 20_000);
    const check = () => {
      const match = /running on (http:\/\/[\d.:]+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        clearInterval(poll);
        resolveUrl(match[1]!);
      }
    };
    const poll = setInterval(check, 50);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`exited with ${code} before start-up:\n${output()}`));
    });
  });
  return { url, child, output, exited };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the server's consumer has aggregated everything it accepted (its /healthz lag is 0), for at most `timeoutMs`. */
export async function waitUntilConsumed(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { stream?: { lag?: number } };
    if ((health.stream?.lag ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
