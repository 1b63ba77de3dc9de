import type { Logger } from '../ports.ts';

/**
 * Logs a message the first time it comes, then at most once per `intervalMs` with how many times
 * it came since: a refusal that repeats on every beacon (a full disk) is one line a minute with a
 * count, not a line a beacon. Messages are told apart by their text alone, not their detail.
 */
export function repeatLimitedLogger(logger: Logger, intervalMs: number, now: () => number = Date.now): Logger {
  const seen = new Map<string, { loggedAt: number; suppressed: number }>();
  const limit = (write: (message: string, detail?: Record<string, unknown>) => void) => (message: string, detail?: Record<string, unknown>) => {
    const at = now();
    const last = seen.get(message);
    if (last && at - last.loggedAt < intervalMs) {
      last.suppressed += 1;
      return;
    }
    const repeated = last?.suppressed ?? 0;
    // Bounded: a message set that keeps growing (each with a new text) is forgotten wholesale.
    if (seen.size >= 1000) seen.clear();
    seen.set(message, { loggedAt: at, suppressed: 0 });
    write(message, repeated > 0 ? { ...detail, repeatedSinceLastLine: repeated } : detail);
  };
  return { error: limit((m, d) => logger.error(m, d)), warn: limit((m, d) => (logger.warn ?? logger.error)(m, d)) };
}
