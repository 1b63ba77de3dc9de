import type { Signal } from '../types.ts';

/** The phases of the page load, each as navigation_timing with a `phase` tag. */
export const navigation: Signal = {
  name: 'navigation',
  start(report, { stop }) {
    const measure = () => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (!nav) return;
      const phases: [string, number][] = [
        ['dns', nav.domainLookupEnd - nav.domainLookupStart],
        ['tcp', nav.connectEnd - nav.connectStart],
        ['tls', nav.secureConnectionStart > 0 ? nav.connectEnd - nav.secureConnectionStart : 0],
        ['request', nav.responseStart - nav.requestStart],
        ['response', nav.responseEnd - nav.responseStart],
        ['dom', nav.domContentLoadedEventEnd - nav.responseEnd],
        ['load', nav.loadEventEnd - nav.startTime],
      ];
      const type = nav.type.replace('_', '-');
      for (const [phase, value] of phases) if (value >= 0) report({ name: 'navigation_timing', value, unit: 'ms', tags: { phase, navigation_type: type } });
    };
    // loadEventEnd is only set once the load handlers have returned.
    if (document.readyState === 'complete') setTimeout(measure);
    else addEventListener('load', () => setTimeout(measure), { once: true, signal: stop });
  },
};
