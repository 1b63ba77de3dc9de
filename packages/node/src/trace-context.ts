import { randomFillSync } from 'node:crypto';

/**
 * W3C Trace Context for the requests a server answers: the incoming `traceparent`'s trace id is
 * kept (so a browser's or a caller's trace continues), otherwise a new one is made, and the
 * server's own span id is new either way. Nothing is stored: the id only travels in the answer.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ALL_ZERO_TRACE = '0'.repeat(32);

/** The trace id of a valid version-00 `traceparent`, or undefined (an all-zero id is invalid). */
export function traceIdOf(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length !== 55) return undefined;
  const match = TRACEPARENT.exec(header);
  return match && match[1] !== ALL_ZERO_TRACE ? match[1] : undefined;
}

// Random bytes are drawn and hex-encoded 4 KiB at a time: one call to the CSPRNG and one encoding
// per 170 answers; an id is then a slice of the encoded string.
const pool = Buffer.alloc(4096);
let poolHex = '';
let used = pool.length * 2;
function randomHex(chars: number): string {
  if (used + chars > poolHex.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    used = 0;
  }
  const hex = poolHex.slice(used, used + chars);
  used += chars;
  return hex;
}

/** The server's `traceparent` for one answer: the caller's trace (or a new one) and a new span, sampled. */
export const serverTraceparent = (incoming: unknown): string => `00-${traceIdOf(incoming) ?? randomHex(32)}-${randomHex(16)}-01`;

/** A Server-Timing description is a quoted string: quotes and backslashes escaped, kept short. */
export const quotedDescription = (text: string): string => `"${text.slice(0, 120).replace(/["\\]/g, '\\$&')}"`;

/**
 * The `;desc="GET /products/:id"` part of the `app` entry, made once per endpoint: escaping it
 * for every answer was a microsecond of each. Bounded like the request series: routes are
 * templates, and past 5,000 endpoints it starts over.
 */
const descriptions = new Map<string, Map<string, string>>();
let describedEndpoints = 0;
export function endpointDescription(method: string, route: string): string {
  let byMethod = descriptions.get(route);
  if (!byMethod) {
    if (++describedEndpoints > 5000) {
      descriptions.clear();
      describedEndpoints = 1;
    }
    descriptions.set(route, (byMethod = new Map()));
  }
  let description = byMethod.get(method);
  if (description === undefined) byMethod.set(method, (description = `;desc=${quotedDescription(`${method} ${route}`)}`));
  return description;
}

/**
 * The Server-Timing entries of one answer: `app` with the server's time and the endpoint that
 * answered (`GET /products/:id`, as `endpointDescription` makes it), and `traceparent` with the
 * answer's trace. The browser SDK joins slow vitals to endpoints by the first; the second links a
 * page to the server's own logs.
 */
export function serverTimingEntries(durationMs: number, description: string, traceparent: string | undefined): string {
  const app = `app;dur=${Math.round(durationMs * 10) / 10}${description}`;
  return traceparent === undefined ? app : `${app}, traceparent;desc="${traceparent}"`;
}
