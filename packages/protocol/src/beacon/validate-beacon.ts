import type { StreamMetric, StreamRecord } from '../stream/record.ts';
import { normalizeMetric, type RawMetric } from './normalize-metric.ts';
import { refuse, type Problem, type Result } from './problems.ts';
import { routeTemplate } from './route-template.ts';
import { toProblems, validateEnvelope, validateMetricShape } from './schema-validators.ts';

export interface RejectedMetric {
  readonly index: number;
  readonly reason: string;
}

export interface ValidBeacon {
  readonly record: StreamRecord;
  readonly rejected: readonly RejectedMetric[];
  /** Used only to spread load over stream shards; never stored. */
  readonly sessionId?: string;
}

interface Envelope {
  app: string;
  context?: { sessionId?: string; page?: string; route?: string; device?: string; release?: string; connection?: string };
  metrics: unknown[];
}

/** What the edge knows about the request beyond its body. */
export interface RequestFacts {
  /** The browser family from the User-Agent header (never the header itself). */
  browser?: string;
  /**
   * The server's say on a metric's name for this app (a cap on invented names): a reason to refuse
   * it, or undefined to accept it. Asked only of metrics that are otherwise valid.
   */
  refuseName?: (app: string, name: string) => string | undefined;
}

/**
 * Validates a parsed beacon. A bad envelope refuses the whole beacon; a bad metric is left out and
 * reported by index, and if no metric is left the beacon is refused, so nothing partial is stored.
 */
export function validateBeacon(body: unknown, receivedAt: number, beaconId: string, facts: RequestFacts = {}): Result<ValidBeacon> {
  if (!validateEnvelope(body)) {
    const problems = toProblems(validateEnvelope.errors);
    return refuse(400, 'invalid_beacon', `beacon refused: ${summarize(problems)}`, problems);
  }
  const envelope = body as Envelope;
  const accepted: StreamMetric[] = [];
  const rejected: RejectedMetric[] = [];
  const problems: Problem[] = [];
  envelope.metrics.forEach((raw, index) => {
    if (!validateMetricShape(raw)) {
      const shapeProblems = toProblems(validateMetricShape.errors, ['metrics', index]);
      problems.push(...shapeProblems);
      rejected.push({ index, reason: shapeProblems.map((p) => `${p.path.replace(/^metrics\[\d+\]\.?/, '') || 'metric'} ${p.reason}`).join('; ') });
      return;
    }
    const result = normalizeMetric(raw as RawMetric, receivedAt);
    const refusedName = result.ok ? facts.refuseName?.(envelope.app, result.metric.name) : undefined;
    if (result.ok && refusedName === undefined) {
      accepted.push(result.metric);
    } else if (result.ok) {
      problems.push({ path: `metrics[${index}].name`, reason: refusedName! });
      rejected.push({ index, reason: refusedName! });
    } else {
      problems.push(...result.reasons.map((reason) => ({ path: `metrics[${index}]`, reason })));
      rejected.push({ index, reason: result.reasons.join('; ') });
    }
  });
  if (accepted.length === 0) {
    return refuse(400, 'invalid_beacon', `all ${envelope.metrics.length} metrics were refused: ${summarize(problems)}`, problems);
  }
  const page = envelope.context?.route ?? envelope.context?.page;
  const common: Record<string, string> = { app: envelope.app };
  if (page !== undefined && page.trim() !== '') common.page = routeTemplate(page);
  if (envelope.context?.device) common.device = envelope.context.device;
  for (const key of ['release', 'connection'] as const) {
    const value = envelope.context?.[key]?.trim();
    if (value) common[key] = value;
  }
  if (facts.browser) common.browser = facts.browser;
  const record: StreamRecord = { v: 1, beaconId, receivedAt, common, metrics: accepted };
  const sessionId = envelope.context?.sessionId;
  return { ok: true, value: sessionId ? { record, rejected, sessionId } : { record, rejected } };
}

function summarize(problems: readonly Problem[]): string {
  const shown = problems
    .slice(0, 5)
    .map((p) => `${p.path} ${p.reason}`)
    .join('; ');
  return problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown;
}
