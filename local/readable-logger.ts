import type { Logger } from '../src/ports.ts';

/** A log line that cannot be written (stdout on a full disk) is lost; it must never become an exception in a handler. */
export function neverThrowing(print: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      print(line);
    } catch {
      // Nowhere left to report it.
    }
  };
}

/** Locally, a person reads the log: one line per event, `[component] message (key: value, ...)`. */
export function readableLogger(component: string, print: (line: string) => void): Logger {
  const say = neverThrowing(print);
  const line = (message: string, detail?: Record<string, unknown>) => {
    const extra = Object.entries(detail ?? {})
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
    say(`[${component}] ${message}${extra ? ` (${extra})` : ''}`);
  };
  return { error: line, warn: line };
}
