import { observe } from './observe.ts';

export type FrameScript = { duration: number; sourceURL?: string; invokerType?: string };
type AnimationFrame = PerformanceEntry & { scripts?: FrameScript[] };

/** The last Long Animation Frames seen: enough to attribute the interaction INP reports. */
const frames: AnimationFrame[] = [];

export function keepAnimationFrames(stop: AbortSignal): void {
  observe(
    'long-animation-frame',
    (entries) => {
      frames.push(...(entries as AnimationFrame[]));
      frames.splice(0, frames.length - 50);
    },
    stop,
  );
}

/** The longest script of the frames between `start` and `end`: what held an interaction from its next paint. */
export const longestScript = (start: number, end: number): FrameScript | undefined =>
  frames
    .filter((f) => f.startTime < end && f.startTime + f.duration > start)
    .flatMap((f) => f.scripts ?? [])
    .sort((a, b) => b.duration - a.duration)[0];

/** A script's path (no origin, no query), or 'unknown' when the browser does not say. */
export function scriptPath(script: FrameScript | undefined): string {
  try {
    return new URL(script!.sourceURL!).pathname;
  } catch {
    return 'unknown';
  }
}
