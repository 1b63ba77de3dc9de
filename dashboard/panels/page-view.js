import { api } from '../api.js';
import { count, esc, percent, show } from '../format.js';

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

/** The chosen route's breakdowns, each the busiest few values with their p75 (or count) over the range. */
export async function loadPageView(view) {
  if (!view.browserFilters.page) return undefined;
  const [joined, ...answers] = await Promise.all([
    api('/v1/slow-vitals', { from: view.from, to: view.to, ...view.browserFilters }).catch(() => ({ vitals: [] })),
    ...BREAKDOWNS.map(([metric, by]) =>
      api('/v1/aggregates', { metric, from: view.from, to: view.to, step: 'total', group_by: by, ...view.browserFilters }).catch(() => ({ series: [] })),
    ),
  ]);
  return {
    page: view.browserFilters.page,
    slowVitals: joined.vitals.filter((v) => v.count > 0),
    sections: answers.map((answer, i) => {
      const values = answer.series
        .map((s) => ({ value: s.dimensions[BREAKDOWNS[i][1]], point: s.points[0] }))
        .filter((v) => v.point && v.value !== undefined)
        .sort((a, b) => b.point.count - a.point.count);
      const total = values.reduce((n, v) => n + v.point.count, 0);
      return { title: BREAKDOWNS[i][2], unit: BREAKDOWNS[i][3], total, values: values.slice(0, TOP) };
    }),
  };
}

/**
 * Why a page is slow: for the route chosen in the page table (or the page filter), first its slow
 * vitals joined to the server endpoints they waited on (share of the slow ones, the server's p75),
 * then its vitals broken down by what the SDK attributes them to, its documents' Server-Timing
 * phases and its errors, each the busiest values with their p75 and share.
 */
export function renderPageView(element, loaded) {
  element.hidden = !loaded;
  if (!loaded) return;
  const item = (section) => (v) =>
    `<li data-value="${esc(v.value)}"><span>${esc(v.value)}</span><span>${section.unit === 'count' ? count(v.point.count) : `p75 ${show(v.point.p75, section.unit)}`} <small>${percent(v.point.count / section.total)} of ${count(section.total)}</small></span></li>`;
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
  element.innerHTML = `<h2>Why <code>${esc(loaded.page)}</code> is slow <small>its vitals by what they are attributed to, over the range</small></h2>
    ${joined}<div class="page-view">${loaded.sections
      .map(
        (section) =>
          `<section data-breakdown="${esc(section.title)}"><h3>${esc(section.title)}</h3>${
            section.values.length ? `<ul class="split">${section.values.map(item(section)).join('')}</ul>` : '<p class="none">nothing in this range</p>'
          }</section>`,
      )
      .join('')}</div>`;
}
