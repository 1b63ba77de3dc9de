import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Turns a request target into a URL, or undefined when it is not one this server can serve.
 * `new URL(target, base)` reads `//a:b` as a host with a bad port and throws; a server must read
 * the origin form (`/path?query`) as a path, so the target is appended to a fixed origin instead.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (target === undefined || target.length === 0) return undefined;
  try {
    if (target.startsWith('/')) return new URL(`http://local${target}`);
    // Absolute form (proxies send it); anything else (`*`, authority form) names no resource here.
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? new URL(`http://local${url.pathname}${url.search}`) : undefined;
  } catch {
    return undefined;
  }
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' | 'too_slow' };

/**
 * Reads at most `maxBytes` of the body. A declared Content-Length over the limit is refused before
 * a byte is read, and a chunked body stops being read the moment it passes the limit: buffering
 * 10 MB per request before checking let 150 concurrent posts take the process past 1 GB.
 */
export async function readBoundedBody(request: IncomingMessage, maxBytes: number, deadlineMs = Infinity): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: 'too_large' };
  const read = (async (): Promise<BodyRead> => {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) return { ok: false, reason: 'too_large' };
        chunks.push(chunk);
      }
    } catch {
      return { ok: false, reason: 'aborted' };
    }
    return { ok: true, body: Buffer.concat(chunks) };
  })();
  if (!Number.isFinite(deadlineMs)) return read;
  // A body that trickles in holds a connection: past the deadline the caller answers 408 and
  // closes it, which also ends the read still waiting here.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<BodyRead>((resolve) => (timer = setTimeout(() => resolve({ ok: false, reason: 'too_slow' }), deadlineMs)));
  return Promise.race([read, late]).finally(() => clearTimeout(timer));
}

/** The query string as one value per name; a repeated name's values are joined by commas, as API Gateway joins them. */
export function queryParameters(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  return query;
}

/** One header's value, repeated headers joined by commas. */
export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function writeJson(response: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': bytes.length,
    ...extraHeaders,
  });
  response.end(bytes);
}
