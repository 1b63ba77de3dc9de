export const MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const MAX_FUTURE_MS = 5 * 60 * 1000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export type TimestampResult = { ok: true; epochMs: number } | { ok: false; reason: string };

/** Reads epoch ms or ISO 8601 (with an explicit zone: a local time is ambiguous) and checks it is recent. */
export function readTimestamp(raw: number | string | undefined, receivedAt: number): TimestampResult {
  if (raw === undefined) return { ok: true, epochMs: receivedAt };
  let epochMs: number;
  if (typeof raw === 'number') {
    epochMs = Math.floor(raw);
  } else {
    if (!ISO_8601.test(raw)) return { ok: false, reason: `timestamp '${raw}' is not epoch milliseconds or ISO 8601 with a zone (e.g. 2026-11-26T19:01:00Z)` };
    epochMs = Date.parse(raw);
    if (Number.isNaN(epochMs)) return { ok: false, reason: `timestamp '${raw}' is not a real date` };
  }
  if (epochMs < receivedAt - MAX_AGE_MS) {
    return { ok: false, reason: `timestamp ${describe(epochMs)} is more than 24 h old${epochMs < 1e11 ? ' (seconds instead of milliseconds?)' : ''}` };
  }
  if (epochMs > receivedAt + MAX_FUTURE_MS) {
    return { ok: false, reason: `timestamp ${describe(epochMs)} is more than 5 min in the future (client clock ahead?)` };
  }
  return { ok: true, epochMs };
}

function describe(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}
