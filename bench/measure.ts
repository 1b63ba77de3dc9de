import { readFileSync } from 'node:fs';

/** The q-quantile (0..1) of the samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Resident set size of a process in MB, from /proc (the process's own, its threads included). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; resolves with the peak. */
export function watchRss(pid: number, everyMs = 50): { stop(): number; peak(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone.
    }
  }, everyMs);
  return { stop: () => (clearInterval(timer), peak), peak: () => peak };
}

export const fmt = (n: number) => n.toLocaleString('en-US');
