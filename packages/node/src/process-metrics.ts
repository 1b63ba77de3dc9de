import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Monitor } from './monitor.ts';

const MEMORY: [keyof NodeJS.MemoryUsage, string][] = [
  ['rss', 'memory_rss'],
  ['heapTotal', 'memory_heap_total'],
  ['heapUsed', 'memory_heap_used'],
  ['external', 'memory_external'],
  ['arrayBuffers', 'memory_array_buffers'],
];

/** Memory, CPU and event-loop delay every `intervalMs` (default 10 s). Returns a stop function; the timer never keeps the process alive. */
export function startProcessMetrics(monitor: Monitor, intervalMs = 10_000): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastTime = process.hrtime.bigint();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    for (const [key, name] of MEMORY) monitor.record({ name, value: memory[key], unit: 'bytes', source: 'system', tags: { memory_type: key } });
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(lastCpu);
    const elapsedMicros = Number(now - lastTime) / 1000;
    monitor.record({ name: 'cpu_usage', value: (100 * (cpu.user + cpu.system)) / elapsedMicros, unit: '%', source: 'system' });
    lastCpu = process.cpuUsage();
    lastTime = now;
    for (const [percentile, value] of [
      ['p50', loop.percentile(50)],
      ['p90', loop.percentile(90)],
      ['p99', loop.percentile(99)],
      ['max', loop.max],
    ] as const) {
      if (Number.isFinite(value) && value > 0)
        monitor.record({ name: 'event_loop_delay', value: value / 1e6, unit: 'ms', source: 'system', tags: { percentile } });
    }
    loop.reset();
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    loop.disable();
  };
}
