import type { Signal } from '../types.ts';
import { onEventEntries, type EventEntry } from './event-entries.ts';
import { describeElement } from './selector.ts';

/** Slow interactions (event timing, 40 ms and over), one per interaction; value is the handlers' processing time (what the page's own code spent). */
export const interactions: Signal = {
  name: 'interactions',
  start(report, { stop }) {
    const seen = new Set<number>();
    const processing = (e: EventEntry) => e.processingEnd - e.processingStart;
    onEventEntries((entries) => {
      // pointerdown, pointerup and click of one tap share an interactionId: keep the one whose handlers worked longest.
      const longest = new Map<number, EventEntry>();
      for (const entry of entries) {
        const id = entry.interactionId;
        if (!id || seen.has(id) || entry.duration < 40) continue;
        const kept = longest.get(id);
        if (!kept || processing(entry) > processing(kept)) longest.set(id, entry);
      }
      for (const [id, entry] of longest) {
        seen.add(id);
        report({
          name: 'user_interaction',
          value: processing(entry),
          unit: 'ms',
          tags: { interaction_type: entry.name, target: describeElement(entry.target) },
        });
      }
    }, stop);
  },
};

/**
 * Three or more clicks on the same element within one second, reported once the burst ends, or
 * when the page is hidden first: a burst just before leaving is the frustration most worth seeing.
 */
export const rageClicks: Signal = {
  name: 'rageClicks',
  start(report, context) {
    let target: EventTarget | null = null;
    let clicks: number[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      if (clicks.length >= 3) report({ name: 'rage_click', value: clicks.length, unit: 'count', tags: { target: describeElement(target as Node) } });
      clicks = [];
    };
    addEventListener(
      'click',
      (event) => {
        const now = event.timeStamp;
        if (event.target !== target) {
          settle();
          target = event.target;
        }
        clicks = [...clicks.filter((t) => now - t < 1000), now];
        clearTimeout(timer);
        timer = setTimeout(settle, 1000);
      },
      { capture: true, passive: true, signal: context.stop },
    );
    context.onHidden(() => {
      clearTimeout(timer);
      settle();
    });
  },
};
