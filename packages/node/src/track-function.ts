import type { Monitor } from './monitor.ts';

const errorType = (error: unknown): string => {
  const e = error as { code?: unknown; name?: unknown };
  return String(typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error').slice(0, 64);
};

/**
 * Wraps a function so each call reports `function_<name>` with its duration and outcome. Works for
 * sync and async functions; the original return value or error passes through untouched.
 */
export function trackFunction<A extends unknown[], R>(monitor: Monitor, name: string, fn: (...args: A) => R): (...args: A) => R {
  const metricName = `function_${name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 64)}`;
  const report = (start: bigint, error?: unknown) =>
    monitor.record({
      name: metricName,
      value: Number(process.hrtime.bigint() - start) / 1e6,
      unit: 'ms',
      source: 'server',
      tags:
        error === undefined
          ? { function_name: name.slice(0, 128), status: 'success' }
          : { function_name: name.slice(0, 128), status: 'error', error_type: errorType(error) },
    });
  return function tracked(this: unknown, ...args: A): R {
    const start = process.hrtime.bigint();
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      report(start, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          report(start);
          return value;
        },
        (error: unknown) => {
          report(start, error);
          throw error;
        },
      ) as R;
    }
    report(start);
    return result;
  };
}
