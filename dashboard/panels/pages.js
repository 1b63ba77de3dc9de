import { api } from '../api.js';
import { count, esc, percent, show } from '../format.js';
import { VITALS } from './vitals.js';

/** A p75 from fewer page views than this says little (the alert rules' floor too): such a row is marked, not hidden. */
const FEW_VIEWS = 20;

/** Every route's vitals over the range: one query per vital, grouped by page. */
export async function loadPages(view) {
  const { page: _page, ...filters } = view.browserFilters;
  const answers = await Promise.all(
    VITALS.map(([metric]) => api('/v1/aggregates', { metric, from: view.from, to: view.to, step: 'total', group_by: 'page', ...filters })),
  );
  const rows = new Map();
  answers.forEach((answer, i) => {
    for (const series of answer.series) {
      const point = series.points[0];
      if (!point) continue;
      const page = series.dimensions.page;
      const row = rows.get(page) ?? { page, vitals: {} };
      row.vitals[VITALS[i][0]] = point;
      rows.set(page, row);
    }
  });
  // A page view reports one LCP, FCP and TTFB: the most of those counts is the route's views.
  const list = [...rows.values()].map((row) => ({
    ...row,
    views: Math.max(...['web_vitals_lcp', 'web_vitals_fcp', 'web_vitals_ttfb'].map((m) => row.vitals[m]?.count ?? 0)),
  }));
  const total = list.reduce((n, row) => n + row.views, 0);
  return list.map((row) => ({ ...row, share: total ? row.views / total : 0 }));
}

const ratingOf = (value, limits) => (value <= limits.good ? 'good' : value <= limits.poor ? 'needs-improvement' : 'poor');

/** The sort keys: views, or a vital's p75 (worst first). */
const sorted = (rows, sort) => {
  const key = sort && sort !== 'views' ? (row) => row.vitals[sort]?.p75 ?? -Infinity : (row) => row.views;
  return [...rows].sort((a, b) => key(b) - key(a) || a.page.localeCompare(b.page));
};

/**
 * Which page is slow: a row per route with each vital's p75 in its rating colour and its sample
 * count, the route's share of page views, and the good / needs-improvement / poor split of its
 * Core Web Vitals. Headers sort; a row narrows the dashboard to that route.
 */
export function renderPages(element, rows, thresholds, sort, choose) {
  if (rows.length === 0) {
    element.innerHTML = '<p class="none">No page views in this range and these filters.</p>';
    return;
  }
  const header = (key, label) => `<th><button type="button" data-sort="${key}" aria-pressed="${(sort || 'views') === key}">${label}</button></th>`;
  const cell =
    ([metric, , unit]) =>
    (row) => {
      const point = row.vitals[metric];
      if (!point) return '<td class="none">–</td>';
      return `<td class="${ratingOf(point.p75, thresholds[metric])}">${show(point.p75, unit)} <small>${count(point.count)}</small></td>`;
    };
  const split = (row) => {
    const sum = { good: 0, needsImprovement: 0, poor: 0 };
    for (const metric of ['web_vitals_lcp', 'web_vitals_inp', 'web_vitals_cls']) {
      const r = row.vitals[metric]?.ratings;
      if (r) for (const key of Object.keys(sum)) sum[key] += r[key];
    }
    const all = sum.good + sum.needsImprovement + sum.poor;
    if (!all) return '<td class="none">–</td>';
    const share = (n) => percent(n / all);
    return `<td><span class="bar" title="good ${share(sum.good)}, needs improvement ${share(sum.needsImprovement)}, poor ${share(sum.poor)}"><span style="width:${share(sum.good)}"></span><span style="width:${share(sum.needsImprovement)}"></span><span style="width:${share(sum.poor)}"></span></span></td>`;
  };
  element.innerHTML = `<table class="pages">
    <thead><tr><th>page</th>${header('views', 'views')}${VITALS.map(([metric, label]) => header(metric, label)).join('')}<th>good · NI · poor</th></tr></thead>
    <tbody>${sorted(rows, sort)
      .map(
        (row) => `<tr data-page="${esc(row.page)}"${row.views < FEW_VIEWS ? ` class="few" title="fewer than ${FEW_VIEWS} page views: a rough p75"` : ''}>
        <th><button type="button" class="link">${esc(row.page)}</button>${row.views < FEW_VIEWS ? ' <small>few views</small>' : ''}</th>
        <td>${count(row.views)} <small>${percent(row.share)}</small></td>${VITALS.map((v) => cell(v)(row)).join('')}${split(row)}</tr>`,
      )
      .join('')}</tbody></table>`;
  for (const button of element.querySelectorAll('button[data-sort]')) button.addEventListener('click', () => choose({ sort: button.dataset.sort }));
  for (const tr of element.querySelectorAll('tr[data-page]'))
    tr.querySelector('button.link').addEventListener('click', () => choose({ page: tr.dataset.page }));
}
