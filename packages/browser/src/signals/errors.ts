import { errorFingerprint, errorType } from '@vitalstream/protocol';
import type { Signal } from '../types.ts';

/** Reports per page view at most: an error in a loop must not flood the endpoint. */
const MAX_REPORTS = 25;
/** Distinct fingerprints per page view at most; the server caps them again per app and minute. */
const MAX_FINGERPRINTS = 10;

/**
 * Uncaught errors and unhandled rejections as `js_error`, by type and fingerprint: the message
 * with URLs, strings, ids and numbers taken out. Never a stack, never the message itself.
 */
export const jsErrors: Signal = {
  name: 'jsErrors',
  start(report, { stop }) {
    let reports = 0;
    const seen = new Set<string>();
    const take = (type: string, message: unknown) => {
      const fingerprint = errorFingerprint(String(message ?? ''));
      if (reports >= MAX_REPORTS || (!seen.has(fingerprint) && seen.size >= MAX_FINGERPRINTS)) return;
      seen.add(fingerprint);
      reports++;
      report({ name: 'js_error', value: 1, unit: 'count', tags: { error_type: type, fingerprint } });
    };
    addEventListener('error', (event) => take(errorType(event.error?.name), event.error?.message ?? event.message), { signal: stop });
    addEventListener(
      'unhandledrejection',
      (event) => {
        const reason = event.reason as { name?: unknown; message?: unknown } | undefined;
        take(reason instanceof Error ? errorType(reason.name) : 'UnhandledRejection', reason instanceof Error ? reason.message : reason);
      },
      { signal: stop },
    );
  },
};
