import type { Signal } from '../types.ts';
import { type FrameScript, scriptPath } from './animation-frames.ts';
import { observe } from './observe.ts';

type LongTask = PerformanceEntry & { attribution?: { containerType?: string; name?: string }[] };
type AnimationFrame = PerformanceEntry & { scripts?: FrameScript[] };

/** Long tasks (> 50 ms) and Long Animation Frames with the script that blocked them, where the browser says. */
export const longTasks: Signal = {
  name: 'longTasks',
  start(report, { stop }) {
    observe(
      'longtask',
      (entries) => {
        for (const entry of entries as LongTask[]) {
          const source = entry.attribution?.[0];
          report({ name: 'long_task', value: entry.duration, unit: 'ms', tags: { attribution: source?.containerType || source?.name || 'unknown' } });
        }
      },
      stop,
    );
    observe(
      'long-animation-frame',
      (entries) => {
        for (const entry of entries as AnimationFrame[]) {
          const script = [...(entry.scripts ?? [])].sort((a, b) => b.duration - a.duration)[0];
          report({
            name: 'long_animation_frame',
            value: entry.duration,
            unit: 'ms',
            tags: { blocking_script: scriptPath(script), invoker_type: script?.invokerType ?? 'unknown' },
          });
        }
      },
      stop,
    );
  },
};
