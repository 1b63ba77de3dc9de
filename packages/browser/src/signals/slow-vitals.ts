import type { Report } from '../types.ts';

type Timed = PerformanceResourceTiming;

/** The step to which browsers round an event's duration (Event Timing), and so the paint's time. */
const PAINT_TIME_STEP_MS = 8;

/**
 * The endpoint that answered a request, and the server's own time for it, from the `app` entry the
 * vitalstream server SDK puts in Server-Timing (`app;dur=310;desc="POST /api/cart/:id"`). Another
 * origin's entries reach the page only when its answers carry Timing-Allow-Origin.
 */
function endpointOf(entry: Timed | undefined): [method: string, endpoint: string, serverMs: number] | undefined {
  const app = entry?.serverTiming?.find((t) => t.name === 'app' && t.description.includes(' /'));
  if (!app) return;
  const at = app.description.indexOf(' ');
  return [app.description.slice(0, at), app.description.slice(at + 1), app.duration];
}

/**
 * A vital rated worse than good, joined to the endpoints it waited on: `slow_vital` once, and
 * `slow_vital_endpoint` (the server's time) once per endpoint. For INP, the requests the
 * interaction started and that answered before its next paint; for LCP and TTFB, the document.
 * Nothing identifies the request: the store keeps counts and the server's percentiles by endpoint.
 */
export function reportSlowVital(report: Report, vital: string, value: number, page: string, start?: number, nextPaint?: number): void {
  report({ name: 'slow_vital', value, unit: 'ms', tags: { vital }, page });
  // The paint's time is the event's start plus its rounded duration: a request answered just before
  // the paint can end up to half a step after that time (a synchronous request's answer comes within
  // a millisecond of the handler's end). One whole step is allowed for.
  const waited =
    start === undefined
      ? performance.getEntriesByType('navigation')
      : (performance.getEntriesByType('resource') as Timed[]).filter(
          (e) => /fetch|xmlhttprequest/.test(e.initiatorType) && e.startTime >= start && e.responseEnd <= nextPaint! + PAINT_TIME_STEP_MS,
        );
  const slowest = new Map<string, [string, string, number]>();
  for (const entry of waited) {
    const found = endpointOf(entry as Timed);
    const key = `${found?.[0]} ${found?.[1]}`;
    if (found && found[2] > (slowest.get(key)?.[2] ?? -1)) slowest.set(key, found);
  }
  for (const [method, endpoint, serverMs] of slowest.values())
    report({ name: 'slow_vital_endpoint', value: serverMs, unit: 'ms', tags: { vital, method, endpoint }, page });
}
