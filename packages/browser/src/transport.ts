import { SDK_BEACON_BYTES as MAX_BEACON_BYTES, SDK_METRICS_PER_BEACON as MAX_METRICS_PER_BEACON, type Beacon } from '@vitalstream/protocol';
import type { BrowserMetric } from './types.ts';

export { MAX_BEACON_BYTES };

export interface Envelope {
  app: Beacon['app'];
  context: NonNullable<Beacon['context']>;
}

const encoder = new TextEncoder();
/** Bytes of UTF-8, as the server counts them (a string's length counts UTF-16 units). */
const bytesOf = (text: string) => encoder.encode(text).length;

/**
 * Splits metrics into beacon bodies that each fit the keepalive budget (in UTF-8 bytes) and the
 * 500-metric limit. A metric too big for any body is left out and counted in `dropped`.
 */
export function toBodies(envelope: Envelope, metrics: BrowserMetric[]): { bodies: string[]; dropped: number } {
  // One beacon's context has one page: metrics measured on different routes go in different beacons.
  const byPage = new Map<string, BrowserMetric[]>();
  for (const { page, route, ...metric } of metrics) {
    const key = JSON.stringify([page, route]);
    byPage.set(key, [...(byPage.get(key) ?? []), metric]);
  }
  const bodies: string[] = [];
  let dropped = 0;
  for (const [key, group] of byPage) {
    const [page, route] = JSON.parse(key) as [string | undefined, string | undefined];
    const context = { ...envelope.context, ...(page ? { page } : {}), ...(route ? { route } : {}) };
    const split = bodiesOf({ ...envelope, context }, group);
    bodies.push(...split.bodies);
    dropped += split.dropped;
  }
  return { bodies, dropped };
}

function bodiesOf(envelope: Envelope, metrics: BrowserMetric[]): { bodies: string[]; dropped: number } {
  const bodies: string[] = [];
  const head = bytesOf(JSON.stringify({ ...envelope, metrics: [] }));
  let batch: string[] = [];
  let size = head;
  let dropped = 0;
  for (const metric of metrics) {
    const json = JSON.stringify(metric);
    const bytes = bytesOf(json) + 1;
    if (head + bytes > MAX_BEACON_BYTES) {
      dropped++;
      continue;
    }
    if (batch.length && (size + bytes > MAX_BEACON_BYTES || batch.length === MAX_METRICS_PER_BEACON)) {
      bodies.push(body(envelope, batch));
      batch = [];
      size = head;
    }
    batch.push(json);
    size += bytes;
  }
  if (batch.length) bodies.push(body(envelope, batch));
  return { bodies, dropped };
}

const body = (envelope: Envelope, metrics: string[]) => `${JSON.stringify({ ...envelope, metrics: [] }).slice(0, -2)}${metrics.join(',')}]}`;

/**
 * While the page is open, fetch with keepalive, whose answer can be read (a 202 names refused
 * metrics); as the page goes away, sendBeacon, which the browser delivers even then. A text/plain
 * string needs no CORS preflight either way. If sendBeacon is refused (its queue is full), fetch;
 * `onFailure` gets the body back when a send fails, so it can be retried on the next flush.
 */
export function send(url: string, data: string, leaving: boolean, onFailure: (data: string) => void, onRefused: (count: number, reason: string) => void): void {
  try {
    if (leaving && navigator.sendBeacon?.(url, data)) return;
  } catch {
    // fall through to fetch
  }
  fetch(url, { method: 'POST', body: data, keepalive: true, headers: { 'content-type': 'text/plain' } })
    .then(async (response) => {
      if (response.status === 429 || response.status >= 500) return onFailure(data);
      const answer = response.status === 202 ? ((await response.json()) as { rejected?: { reason: string }[] }) : undefined;
      if (answer?.rejected?.length) onRefused(answer.rejected.length, answer.rejected[0]!.reason);
      else if (response.status >= 400) onRefused(1, `the endpoint answered ${response.status}`);
    })
    .catch(() => onFailure(data));
}
