export interface ConsumerStatus {
  readonly checkpoint: number;
  readonly lastSeq: number;
  /** Records on the stream the consumer has not passed yet. */
  readonly lag: number;
  /** How long the oldest of those has waited (ms); 0 when there is none. */
  readonly lagMs: number;
  readonly deadLetters: number;
  /** The last batch attempt threw, and no later attempt has succeeded. */
  readonly failing: boolean;
  readonly lastError?: string;
}

export interface HealthVerdict {
  readonly healthy: boolean;
  readonly reasons: readonly string[];
}

/** What else must work for the pipeline to be doing its job, besides the consumer. */
export interface PipelineSignals {
  /** Beacon writes to the stream: failing from a failed write until the next one succeeds. */
  readonly beaconWrites?: { readonly failing: boolean; readonly lastError?: string };
  /** Scheduled analysis runs that failed in a row (0 after one succeeds). */
  readonly analyze?: { readonly failuresInARow: number; readonly lastError?: string };
}

/** One failed analysis run can be a passing fault; this many in a row means alerting has stopped. */
export const ANALYZE_FAILURES_UNHEALTHY = 3;

/**
 * Whether the pipeline is doing its job: answering 202 is not enough when what it accepts never
 * becomes queryable, and answering at all is not enough when every beacon is refused or alerting
 * has stopped. Unhealthy while the consumer is failing or the oldest unconsumed record has waited
 * longer than `maxLagMs`, while beacons cannot be stored, or after ANALYZE_FAILURES_UNHEALTHY
 * analysis runs failed in a row.
 */
export function judgeHealth(status: ConsumerStatus, maxLagMs: number, signals: PipelineSignals = {}): HealthVerdict {
  const reasons: string[] = [];
  if (signals.beaconWrites?.failing) reasons.push(`beacons cannot be stored, each is answered 503: ${signals.beaconWrites.lastError ?? 'unknown error'}`);
  const analyze = signals.analyze;
  if (analyze && analyze.failuresInARow >= ANALYZE_FAILURES_UNHEALTHY) {
    reasons.push(`the analysis job failed ${analyze.failuresInARow} runs in a row, so no alert is raised: ${analyze.lastError ?? 'unknown error'}`);
  }
  if (status.failing) reasons.push(`the stream consumer is failing: ${status.lastError ?? 'unknown error'}`);
  if (status.lagMs > maxLagMs) {
    reasons.push(
      `the stream consumer is ${Math.round(status.lagMs / 1000)} s behind (${status.lag} records waiting; the bound is ${Math.round(maxLagMs / 1000)} s)`,
    );
  }
  return { healthy: reasons.length === 0, reasons };
}
