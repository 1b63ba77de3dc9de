export const MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const MAX_FUTURE_MS = 5 * 60 * 1000;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
export const ISO_8601_EXAMPLE = '2026-11-26T19:01:00Z';

/**
 * Reads an ISO 8601 instant with an explicit zone (`Z` or `+01:00`); undefined for anything else.
 * `Date.parse` rolls impossible dates over (2026-11-31 becomes 1 December) and reads a time
 * without a zone as the server's local time: both are refused here.
 */
export function parseIsoInstant(text: string): number | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => part ?? undefined) as string[];
  const y = Number(year),
    m = Number(month),
    d = Number(day);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const epochMs = Date.parse(text);
  return Number.isNaN(epochMs) ? undefined : epochMs;
}

export type TimestampResult = { ok: true; epochMs: number } | { ok: false; reason: string };

/** Reads epoch ms or ISO 8601 (with an explicit zone: a local time is ambiguous) and checks it is recent. */
export function readTimestamp(raw: number | string | undefined, receivedAt: number): TimestampResult {
  if (raw === undefined) return { ok: true, epochMs: receivedAt };
  let epochMs: number;
  if (typeof raw === 'number') {
    epochMs = Math.floor(raw);
  } else {
    if (!ISO_8601.test(raw)) return { ok: false, reason: `timestamp '${raw}' is not epoch milliseconds or ISO 8601 with a zone (e.g. ${ISO_8601_EXAMPLE})` };
    const parsed = parseIsoInstant(raw);
    if (parsed === undefined) return { ok: false, reason: `timestamp '${raw}' is not a real date and time` };
    epochMs = parsed;
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
