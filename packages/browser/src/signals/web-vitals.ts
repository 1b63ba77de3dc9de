import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { Report, Signal } from '../types.ts';
import { keepAnimationFrames, longestScript, scriptPath } from './animation-frames.ts';
import { entriesOfInteraction, onEventEntries } from './event-entries.ts';
import { describeElement, resourceType } from './selector.ts';
import { reportSlowVital } from './slow-vitals.ts';

type Entry = PerformanceEntry & {
  element?: Element;
  url?: string;
  target?: Node;
  processingStart?: number;
  processingEnd?: number;
  interactionId?: number;
  value?: number;
  sources?: { node?: Node }[];
};

/**
 * Core Web Vitals through web-vitals (standard build). The attribution fields are read from the
 * entries web-vitals already hands over, which costs a few hundred bytes instead of the 2 KB the
 * attribution build adds. INP replaced FID (removed from web-vitals v5).
 */
export const webVitals: Signal = {
  name: 'webVitals',
  start(report: Report, { stop }) {
    // A hard navigation's vitals belong to the page that loaded, though some are reported later, on a later route.
    const loaded = location.pathname;
    const send = (metric: Metric, tags: Record<string, string> = {}, interaction?: [start: number, nextPaint: number]) => {
      const soft = metric.navigationType === 'soft-navigation';
      // A soft navigation makes no request of its own: its TTFB is no measurement.
      if (soft && metric.name === 'TTFB') return;
      const page = soft && metric.navigationURL ? new URL(metric.navigationURL).pathname : loaded;
      const name = metric.name.toLowerCase();
      report({
        name: `web_vitals_${name}`,
        value: metric.value,
        unit: metric.name === 'CLS' ? 'score' : 'ms',
        tags: { navigation_type: metric.navigationType, rating: metric.rating, ...tags },
        page,
      });
      // A soft navigation's LCP was not held up by a document request.
      if (metric.rating !== 'good' && (interaction || (!soft && /lcp|ttfb/.test(name))))
        reportSlowVital(report, name, metric.value, page, ...(interaction ?? []));
    };
    // Soft navigations (history.pushState route changes) get vitals of their own, on their route.
    const softNavs = { reportSoftNavs: true };
    onLCP((metric) => {
      const last = metric.entries.at(-1) as Entry | undefined;
      send(metric, last ? { lcp_element: describeElement(last.element), lcp_resource_type: last.url ? resourceType(last.url, 'image') : 'text' } : {});
      if (metric.navigationType !== 'soft-navigation') lcpParts(metric.value, last?.url, loaded, report);
    }, softNavs);
    onEventEntries(() => undefined, stop);
    keepAnimationFrames(stop);
    onINP((metric) => {
      const reported = metric.entries as Entry[];
      const all = entriesOfInteraction(reported[0]?.interactionId) as Entry[];
      const entries = all.length > 0 ? all : reported;
      const first = entries[0];
      if (!first) return send(metric);
      const start = Math.min(...entries.map((e) => e.startTime));
      const processingStart = Math.min(...entries.map((e) => e.processingStart ?? start));
      const processingEnd = Math.max(...entries.map((e) => e.processingEnd ?? start));
      const nextPaint = Math.max(...entries.map((e) => e.startTime + e.duration));
      const phases: [string, number][] = [
        ['input-delay', processingStart - start],
        ['processing-duration', processingEnd - processingStart],
        ['presentation-delay', nextPaint - processingEnd],
      ];
      phases.sort((a, b) => b[1] - a[1]);
      const script = longestScript(start, nextPaint);
      send(
        metric,
        {
          inp_script: scriptPath(script),
          inp_invoker: script?.invokerType ?? 'unknown',
          inp_target: describeElement(entries.find((e) => e.target)?.target),
          interaction_type: /key/.test(first.name) ? 'keyboard' : 'pointer',
          inp_phase: phases[0]![0],
        },
        [start, nextPaint],
      );
    }, softNavs);
    onCLS((metric) => {
      const largest = (metric.entries as Entry[]).reduce<Entry | undefined>((a, e) => (!a || (e.value ?? 0) > (a.value ?? 0) ? e : a), undefined);
      send(metric, largest ? { cls_target: describeElement(largest.sources?.find((s) => s.node)?.node) } : {});
    }, softNavs);
    onFCP((metric) => send(metric), softNavs);
    onTTFB((metric) => send(metric), softNavs);
  },
};

/**
 * A load's LCP in its four parts, as web-vitals' attribution build splits it: time to first byte,
 * the wait before the LCP resource's request, its download, and the render after it (text has no
 * resource: its delay and download are 0). The parts add up to the LCP.
 */
function lcpParts(lcp: number, url: string | undefined, page: string, report: Report): void {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & { activationStart?: number };
  if (!nav) return;
  const since = (t: number) => Math.max(0, t - (nav.activationStart ?? 0));
  const ttfb = since(nav.responseStart);
  const resource = url ? (performance.getEntriesByName(url, 'resource')[0] as PerformanceResourceTiming | undefined) : undefined;
  const requested = Math.max(ttfb, resource ? since(resource.requestStart || resource.startTime) : 0);
  const loaded = Math.max(requested, resource ? since(resource.responseEnd) : 0);
  const rendered = Math.max(loaded, lcp);
  for (const [part, value] of [
    ['ttfb', ttfb],
    ['resource_load_delay', requested - ttfb],
    ['resource_load_duration', loaded - requested],
    ['element_render_delay', rendered - loaded],
  ] as const)
    report({ name: 'lcp_part', value, unit: 'ms', tags: { part }, page });
}
