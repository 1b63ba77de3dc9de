import { api } from '../api.js';
import { clock, esc, percent, plural, show } from '../format.js';

export const VITALS = [
  ['web_vitals_lcp', 'LCP', 'ms'],
  ['web_vitals_inp', 'INP', 'ms'],
  ['web_vitals_cls', 'CLS', ''],
  ['web_vitals_fcp', 'FCP', 'ms'],
  ['web_vitals_ttfb', 'TTFB', 'ms'],
];

/** p75 over the range and over the range before it, for the trend; split by one breakdown when asked. */
export async function loadVitals(view) {
  const span = view.to - view.from;
  return Promise.all(
    VITALS.map(async ([metric]) => {
      const [now, before, split] = await Promise.all([
        api('/v1/aggregates', { metric, from: view.from, to: view.to, step: 'total', ...view.browserFilters }),
        api('/v1/aggregates', { metric, from: view.from - span, to: view.from, step: 'total', ...view.browserFilters }),
        view.split ? api('/v1/aggregates', { metric, from: view.from, to: view.to, step: 'total', group_by: view.split, ...view.browserFilters }) : undefined,
      ]);
      const parts = split?.series
        .map((s) => ({ value: s.dimensions[view.split], point: s.points[0] }))
        .filter((p) => p.point)
        .sort((a, b) => b.point.count - a.point.count);
      return { point: now.series[0]?.points[0], previous: before.series[0]?.points[0], parts };
    }),
  );
}

export function renderVitals(element, loaded, thresholds, anomalies) {
  element.innerHTML = VITALS.map(([metric, label, unit], i) => {
    const { point, previous, parts } = loaded[i];
    const limits = thresholds[metric];
    if (!point)
      return `<div class="card" data-metric="${metric}"><div class="name">${label}</div><div class="value none">no data</div><div class="meta">target ≤ ${show(limits.good, unit)}</div></div>`;
    const rating = point.p75 <= limits.good ? 'good' : point.p75 <= limits.poor ? 'needs-improvement' : 'poor';
    const r = point.ratings ?? { good: 0, needsImprovement: 0, poor: 0 };
    const share = (n) => percent(n / point.count);
    const trend = previous ? (point.p75 - previous.p75) / previous.p75 : undefined;
    const unusual = anomalies.filter((a) => a.metric === metric);
    return `<div class="card ${rating}" data-metric="${metric}">
      <div class="name">${label}${unusual.length ? ` <span class="badge" title="${esc(unusual[0].title)}">unusual at ${clock(Date.parse(unusual[0].windowStart))}</span>` : ''}</div>
      <div class="value">${show(point.p75, unit)}</div>
      <div class="meta">target ≤ ${show(limits.good, unit)} · ${plural(point.count, 'sample')}</div>
      <div class="bar" title="good ${share(r.good)}, needs improvement ${share(r.needsImprovement)}, poor ${share(r.poor)}"><span style="width:${share(r.good)}"></span><span style="width:${share(r.needsImprovement)}"></span><span style="width:${share(r.poor)}"></span></div>
      <div class="meta">${share(r.good)} good · ${share(r.poor)} poor${trend === undefined ? '' : ` · ${trend > 0 ? '▲' : '▼'} ${percent(Math.abs(trend))} vs previous`}</div>
      ${parts ? `<ul class="split">${parts.map((p) => `<li data-part="${esc(p.value)}" class="${p.point.p75 <= limits.good ? 'good' : p.point.p75 <= limits.poor ? 'needs-improvement' : 'poor'}"><span>${esc(p.value)}</span><span>${show(p.point.p75, unit)} <small>${p.point.count}</small></span></li>`).join('')}</ul>` : ''}
    </div>`;
  }).join('');
}
