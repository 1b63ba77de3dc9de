import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { localContext } from '../lambda-context.ts';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof localContext>) => Promise<APIGatewayProxyResultV2>;

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

/** Builds the same payload-v2 event API Gateway would send for this request and body. */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? 'unknown',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: `${method} ${url.pathname}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    // base64 keeps the bytes exact: the handler decides what is valid UTF-8.
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

export function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(result);
    return;
  }
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}), 'content-length': body?.length ?? 0 };
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  response.end(body);
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
