import type { Logger } from '../src/ports.ts';

/** Locally, a person reads the log: one line per event, `[component] message (key: value, ...)`. */
export function readableLogger(component: string, print: (line: string) => void): Logger {
  return {
    error(message, detail) {
      const extra = Object.entries(detail ?? {}).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
      try {
        print(`[${component}] ${message}${extra ? ` (${extra})` : ''}`);
      } catch {
        // A log line that cannot be written (a full disk) is lost, never thrown into a handler.
      }
    },
  };
}
