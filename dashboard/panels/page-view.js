import { api } from '../api.js';
import { count, esc, percent, STEP_MS, show } from '../format.js';

/** What the page view breaks each vital down by: the attribution the browser SDK sends with it. */
const BREAKDOWNS = [
  ['web_vitals_lcp', 'navigation_type', 'LCP by navigation (hard against soft)', 'ms'],
  ['lcp_part', 'part', 'LCP parts of a load', 'ms'],
  ['web_vitals_lcp', 'lcp_element', 'LCP element', 'ms'],
  ['web_vitals_lcp', 'lcp_resource_type', 'LCP resource', 'ms'],
  ['web_vitals_inp', 'inp_target', 'INP target', 'ms'],
  ['web_vitals_inp', 'inp_phase', 'INP longest phase', 'ms'],
  ['web_vitals_inp', 'inp_script', 'INP longest script (Long Animation Frames)', 'ms'],
  ['web_vitals_cls', 'cls_target', 'CLS largest shift', ''],
  ['server_timing', 'name', 'Server-Timing of its documents', 'ms'],
  ['js_error', 'fingerprint', 'JavaScript errors', 'count'],
];
const TOP = 5;
/** One colour per listed value, the same in its list row and its line. */
const COLOURS = ['#2563EB', '#DC2626', '#059669', '#D97706', '#7C3AED'];
const charts = [];
/**
 * A breakdown's line is one value's share of the traffic, so a step must hold enough samples for a
 * p75 to mean something: the finest width that gives at most 30 points over the range.
 */
export const breakdownStep = (rangeMs) => Object.keys(STEP_MS).find((step) => rangeMs / STEP_MS[step] <= 30) ?? 'hour';

/**
 * The chosen route's breakdowns, each the busiest few values with their p75 (or count) over the
 * range, and the same values step by step for their time chart: a p75 over the range cannot be
 * rebuilt from the steps' p75s, so each breakdown is asked twice.
 */
export async function loadPageView(view) {
  if (!view.browserFilters.page) return undefined;
  const step = breakdownStep(view.to - view.from);
  const ask = (metric, by, step) =>
    api('/v1/aggregates', { metric, from: view.from, to: view.to, step, group_by: by, ...view.browserFilters }).catch(() => ({ series: [] }));
  const [joined, backForward, blocked, ...answers] = await Promise.all([
    api('/v1/slow-vitals', { from: view.from, to: view.to, ...view.browserFilters }).catch(() => ({ vitals: [] })),
    ask('back_forward_navigation', 'restored', 'total'),
    ask('bfcache_blocked', 'reason', 'total'),
    ...BREAKDOWNS.flatMap(([metric, by]) => [ask(metric, by, 'total'), ask(metric, by, step)]),
  ]);
  return {
    page: view.browserFilters.page,
    range: { from: view.from, to: view.to, stepMs: STEP_MS[step] },
    slowVitals: joined.vitals.filter((v) => v.count > 0),
    backForward: backForwardCache(backForward, blocked),
    sections: BREAKDOWNS.map(([, by, title, unit], i) => {
      const [totals, steps] = [answers[2 * i], answers[2 * i + 1]];
      const values = totals.series
        .map((s) => ({ value: s.dimensions[by], point: s.points[0] }))
        .filter((v) => v.point && v.value !== undefined)
        .sort((a, b) => b.point.count - a.point.count);
      const total = values.reduce((n, v) => n + v.point.count, 0);
      const top = values.slice(0, TOP);
      const stepsOf = new Map(steps.series.map((s) => [s.dimensions[by], s.points]));
      return { title, unit, total, values: top.map((v) => ({ ...v, steps: stepsOf.get(v.value) ?? [] })) };
    }),
  };
}

/**
 * Back and forward navigations to the page: how many, the share restored from the back/forward
 * cache, and the reasons the others were not, each as a share of all back and forward navigations
 * (a navigation can have several reasons, so the shares need not add up).
 */
function backForwardCache(navigations, blocked) {
  const counts = Object.fromEntries(navigations.series.filter((s) => s.points[0]).map((s) => [s.dimensions.restored, s.points[0].count]));
  const total = (counts.yes ?? 0) + (counts.no ?? 0);
  const reasons = blocked.series
    .filter((s) => s.points[0])
    .map((s) => ({ reason: s.dimensions.reason, count: s.points[0].count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, TOP);
  return { total, restored: counts.yes ?? 0, reasons };
}

/**
 * Why a page is slow: for the route chosen in the page table (or the page filter), first its slow
 * vitals joined to the server endpoints they waited on (share of the slow ones, the server's p75),
 * then its vitals broken down by what the SDK attributes them to, its documents' Server-Timing
 * phases and its errors, each the busiest values with their p75 and share.
 */
export function renderPageView(element, loaded) {
  for (const chart of charts.splice(0)) chart.destroy();
  element.hidden = !loaded;
  if (!loaded) return;
  const item = (section) => (v) =>
    `<li data-value="${esc(v.value)}"><span><i class="swatch" style="background:${COLOURS[section.values.indexOf(v)]}"></i>${esc(v.value)}</span><span>${section.unit === 'count' ? count(v.point.count) : `p75 ${show(v.point.p75, section.unit)}`} <small>${percent(v.point.count / section.total)} of ${count(section.total)}</small></span></li>`;
  const endpoint = (e) =>
    `<li data-value="${esc(`${e.method} ${e.endpoint}`)}"><span><code>${esc(`${e.method} ${e.endpoint}`)}</code></span><span>${percent(e.share)} <small>server p75 ${show(e.serverP75, 'ms')}</small></span></li>`;
  const joined = loaded.slowVitals.length
    ? `<section class="slow-vitals" data-breakdown="Slow vitals by the server endpoint they waited on"><h3>Slow vitals by the server endpoint they waited on</h3>${loaded.slowVitals
        .map(
          (v) =>
            `<p data-vital="${esc(v.vital)}">${esc(v.summary)}</p>${v.endpoints.length ? `<ul class="split">${v.endpoints.slice(0, TOP).map(endpoint).join('')}</ul>` : ''}`,
        )
        .join('')}</section>`
    : '';
  const { total, restored, reasons } = loaded.backForward;
  const backForward = `<section data-breakdown="Back/forward cache"><h3>Back/forward cache</h3>${
    total
      ? `<p data-back-forward="${total}">${count(total)} back/forward navigation${total === 1 ? '' : 's'}: ${percent(restored / total)} restored from the cache</p>${
          reasons.length
            ? `<ul class="split">${reasons.map((r) => `<li data-value="${esc(r.reason)}"><span title="${esc(r.reason)}"><code>${esc(r.reason)}</code></span><span>${percent(r.count / total)} <small>of ${count(total)}</small></span></li>`).join('')}</ul>`
            : ''
        }`
      : '<p class="none">no back or forward navigation in this range</p>'
  }</section>`;
  element.innerHTML = `<h2>Why <code>${esc(loaded.page)}</code> is slow <small>its vitals by what they are attributed to, over the range</small></h2>
    ${joined}<div class="page-view">${backForward}${loaded.sections
      .map(
        (section) =>
          `<section data-breakdown="${esc(section.title)}"><h3>${esc(section.title)}</h3>${
            section.values.length
              ? `<ul class="split">${section.values.map(item(section)).join('')}</ul><div class="breakdown-chart" data-chart="${esc(section.title)}"></div>`
              : '<p class="none">nothing in this range</p>'
          }</section>`,
      )
      .join('')}</div>`;
  for (const section of loaded.sections) {
    const target = element.querySelector(`[data-chart="${CSS.escape(section.title)}"]`);
    if (target) charts.push(drawBreakdown(target, section, loaded.range));
  }
}

/**
 * A breakdown's values over time, one line each (its p75 per step, or its count for errors), on
 * every step of the range.
 */
function drawBreakdown(element, section, { from, to, stepMs }) {
  // A step without errors had none; a step without a vital's sample has no p75, and is a gap.
  const pick = section.unit === 'count' ? (p) => p.count : (p) => p.p75;
  const missing = section.unit === 'count' ? 0 : null;
  const grid = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t < to; t += stepMs) grid.push(t);
  const times = [...new Set([...grid, ...section.values.flatMap((v) => v.steps.map((p) => Date.parse(p.t)))])].sort((a, b) => a - b);
  const lines = section.values.map((v) => {
    const at = new Map(v.steps.map((p) => [Date.parse(p.t), pick(p)]));
    return times.map((t) => at.get(t) ?? missing);
  });
  element.dataset.lines = JSON.stringify(section.values.map((v) => String(v.value)));
  element.dataset.steps = String(times.length);
  return new uPlot(
    {
      width: Math.max(220, element.clientWidth),
      height: 120,
      legend: { show: false },
      cursor: { points: { size: 5 } },
      series: [{}, ...section.values.map((v, i) => ({ label: String(v.value), stroke: COLOURS[i], width: 1.5, spanGaps: false }))],
      axes: [
        { size: 24, font: '10px system-ui' },
        { size: 60, font: '10px system-ui', values: (_u, ticks) => ticks.map((t) => (section.unit === 'count' ? count(t) : show(t, section.unit))) },
      ],
      scales: { x: { time: true } },
    },
    [times.map((t) => t / 1000), ...lines],
    element,
  );
}
