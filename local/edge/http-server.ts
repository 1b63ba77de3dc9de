import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeJson } from './http-adapter.ts';

export interface HttpServerOptions {
  port: number;
  host: string;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  log: (line: string) => void;
}

export interface ListeningServer {
  server: Server;
  /** `http://host:port`, with an IPv6 host in brackets. */
  baseUrl(): string;
}

/**
 * The local HTTP server, listening: slow or silent clients are cut off (headers within 10 s, the
 * whole request within 15 s, checked every second: Node's default check runs every 30 s), and a
 * handler that throws is answered 500 saying nothing was stored, or cut off when it had started
 * answering, never left hanging.
 */
export async function listen(
  options: HttpServerOptions,
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<ListeningServer> {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        options.log(`[http] ${request.method} failed: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent) writeJson(response, 500, { error: 'internal_error', message: 'unexpected error; nothing was stored' });
        else response.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    baseUrl() {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
  };
}

/** Stops accepting, closes idle keep-alive connections at once, and resolves when the last request is answered. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
