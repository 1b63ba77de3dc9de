/** Subscribes to one performance entry type, buffered, where the browser supports it. */
export function observe(type: string, callback: (entries: PerformanceEntry[]) => void, stop: AbortSignal, options: Record<string, unknown> = {}): void {
  try {
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return;
    const observer = new PerformanceObserver((list) => callback(list.getEntries()));
    observer.observe({ type, buffered: true, ...options } as PerformanceObserverInit);
    stop.addEventListener('abort', () => observer.disconnect());
    // Entries the browser holds but has not dispatched yet would miss the last beacon: hand them
    // over when the page is hidden, in the capture phase, before the SDK's own listener sends.
    addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && callback(observer.takeRecords()), { capture: true, signal: stop });
  } catch {
    // An unsupported entry type must never break the host page.
  }
}
