import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { workerTransport } from '../../../packages/node/src/worker-transport.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/beacon`;
}

describe('sending beacons from a worker thread', () => {
  it('POSTs the body as JSON and resolves with the status, without an HTTP request on the calling thread', async () => {
    const received: { type?: string; body: string }[] = [];
    const url = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ type: request.headers['content-type'], body });
        response.writeHead(received.length === 1 ? 202 : 503).end();
      });
    });
    const onThisThread: unknown[] = [];
    const seen = (message: unknown) => void onThisThread.push(message);
    subscribe('undici:request:create', seen);
    try {
      const send = workerTransport(url);
      expect(await send('{"app":"a","metrics":[]}')).toMatchObject({ status: 202 });
      expect(await send('{"app":"b","metrics":[]}')).toEqual({ status: 503 }); // only a 202's body is passed on
    } finally {
      unsubscribe('undici:request:create', seen);
    }
    expect(received).toEqual([
      { type: 'application/json', body: '{"app":"a","metrics":[]}' },
      { type: 'application/json', body: '{"app":"b","metrics":[]}' },
    ]);
    expect(onThisThread).toEqual([]);
  });

  it('reads at most 64 KiB of an endless 202 body and cancels the rest', async () => {
    let written = 0;
    const url = await listen((request, response) => {
      request.resume().on('end', () => {
        response.writeHead(202, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(16_384, 0x61);
        const pump = () => {
          // An endless body: the collector writes until the client goes away.
          while (!response.destroyed && response.write(chunk)) written += chunk.length;
          if (!response.destroyed) response.once('drain', pump);
        };
        pump();
      });
    });
    const answer = (await workerTransport(url, 5_000)('{}')) as { status: number; body?: string };
    expect(answer.status).toBe(202);
    expect(answer.body!.length).toBeLessThanOrEqual(65_536);
    expect(answer.body!.length).toBeGreaterThan(0);
    // The client stopped reading: far less than the 2 GB such a collector once pushed into the app.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('rejects with the network error when nothing listens', async () => {
    const url = await listen(() => undefined);
    servers.pop()!.close();
    await expect(workerTransport(url)('{}')).rejects.toThrow(/beacon send failed: ECONNREFUSED/);
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    const url = await listen(() => undefined);
    await expect(workerTransport(url, 300)('{}')).rejects.toThrow(/beacon send failed: (TimeoutError|AbortError)/);
  });
});
