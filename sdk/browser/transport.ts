import type { BrowserMetric } from './types.ts';

/** Browsers share a 64 KiB budget across in-flight keepalive requests; stay well under it. */
export const MAX_BEACON_BYTES = 60_000;
const MAX_METRICS_PER_BEACON = 500;

export interface Envelope {
  app: string;
  context: Record<string, string>;
}

/** Splits metrics into beacon bodies that each fit the keepalive budget and the 500-metric limit. */
export function toBodies(envelope: Envelope, metrics: BrowserMetric[]): string[] {
  const bodies: string[] = [];
  const head = JSON.stringify({ ...envelope, metrics: [] }).length;
  let batch: string[] = [];
  let size = head;
  for (const metric of metrics) {
    const json = JSON.stringify(metric);
    if (head + json.length + 1 > MAX_BEACON_BYTES) continue; // one metric alone too big: a bug upstream, never sent
    if (batch.length && (size + json.length + 1 > MAX_BEACON_BYTES || batch.length === MAX_METRICS_PER_BEACON)) {
      bodies.push(body(envelope, batch));
      batch = [];
      size = head;
    }
    batch.push(json);
    size += json.length + 1;
  }
  if (batch.length) bodies.push(body(envelope, batch));
  return bodies;
}

const body = (envelope: Envelope, metrics: string[]) =>
  `${JSON.stringify({ ...envelope, metrics: [] }).slice(0, -2)}${metrics.join(',')}]}`;

/**
 * sendBeacon first: the browser delivers it even as the page goes away, and a text/plain string
 * needs no CORS preflight. If the browser refuses it (its queue is full), fetch with keepalive;
 * `onFailure` gets the body back when that fails too, so it can be retried on the next flush.
 */
export function send(url: string, data: string, onFailure: (data: string) => void): void {
  try {
    if (navigator.sendBeacon?.(url, data)) return;
  } catch {
    // fall through to fetch
  }
  fetch(url, { method: 'POST', body: data, keepalive: true, headers: { 'content-type': 'text/plain' } })
    .then((response) => {
      if (response.status === 429 || response.status >= 500) onFailure(data);
    })
    .catch(() => onFailure(data));
}
