import { observe } from './observe.ts';

export type EventEntry = PerformanceEventTiming & { interactionId?: number };

const byInteraction = new Map<number, EventEntry[]>();
const listeners: ((entries: EventEntry[]) => void)[] = [];
let observing = false;

/**
 * One event-timing observer for the SDK. web-vitals hands INP only the entries at the longest
 * (8 ms-rounded) duration, which can be the pointerdown alone; keeping every entry of recent
 * interactions lets the INP phases include the click handler that did the work.
 */
export function onEventEntries(listener: (entries: EventEntry[]) => void, stop: AbortSignal): void {
  listeners.push(listener);
  stop.addEventListener('abort', () => {
    listeners.splice(listeners.indexOf(listener) >>> 0, 1);
    // The observer stops with the collector that started it; a later collector starts its own.
    observing = false;
  });
  if (observing) return;
  observing = true;
  observe(
    'event',
    (entries) => {
      for (const entry of entries as EventEntry[]) {
        if (!entry.interactionId) continue;
        const list = byInteraction.get(entry.interactionId) ?? [];
        list.push(entry);
        byInteraction.set(entry.interactionId, list);
        if (byInteraction.size > 100) byInteraction.delete(byInteraction.keys().next().value!);
      }
      for (const listener of listeners) listener(entries as EventEntry[]);
    },
    stop,
    { durationThreshold: 16 },
  );
}

export const entriesOfInteraction = (id: number | undefined): EventEntry[] => (id ? (byInteraction.get(id) ?? []) : []);
