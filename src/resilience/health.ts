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

/**
 * Whether the pipeline is doing its job: answering 202 is not enough when what it accepts never
 * becomes queryable. Unhealthy while the consumer is failing or the oldest unconsumed record has
 * waited longer than `maxLagMs`.
 */
export function judgeHealth(status: ConsumerStatus, maxLagMs: number): HealthVerdict {
  const reasons: string[] = [];
  if (status.failing) reasons.push(`the stream consumer is failing: ${status.lastError ?? 'unknown error'}`);
  if (status.lagMs > maxLagMs) {
    reasons.push(`the stream consumer is ${Math.round(status.lagMs / 1000)} s behind (${status.lag} records waiting; the bound is ${Math.round(maxLagMs / 1000)} s)`);
  }
  return { healthy: reasons.length === 0, reasons };
}
