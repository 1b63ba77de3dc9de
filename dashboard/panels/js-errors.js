import { api } from '../api.js';
import { count, esc } from '../format.js';

const TOP = 5;

/** The most frequent error fingerprints of the range: count and trend, then type and pages for each. */
export async function loadJsErrors(view) {
  const range = { metric: 'js_error', from: view.from, to: view.to, ...view.appFilter };
  const byFingerprint = await api('/v1/aggregates', { ...range, step: view.step, group_by: 'fingerprint' });
  const top = byFingerprint.series
    .map((s) => ({ fingerprint: s.dimensions.fingerprint, total: s.points.reduce((n, p) => n + p.count, 0), points: s.points }))
    .sort((a, b) => b.total - a.total)
    .slice(0, TOP);
  return Promise.all(
    top.map(async (row) => {
      const [types, pages] = await Promise.all([
        api('/v1/aggregates', { ...range, step: 'total', fingerprint: row.fingerprint, group_by: 'error_type' }),
        api('/v1/aggregates', { ...range, step: 'total', fingerprint: row.fingerprint, group_by: 'page' }),
      ]);
      const totals = (answer, key) => answer.series.map((s) => [s.dimensions[key], s.points[0]?.count ?? 0]).sort((a, b) => b[1] - a[1]);
      return { ...row, type: totals(types, 'error_type')[0]?.[0] ?? 'Error', pages: totals(pages, 'page') };
    }),
  );
}

/** A trend line of counts per step, drawn to fit the cell. */
function sparkline(points, view) {
  if (points.length === 0) return '';
  const max = Math.max(...points.map((p) => p.count));
  const x = (t) => (100 * (Date.parse(t) - view.from)) / (view.to - view.from);
  const path = points.map((p) => `${x(p.t).toFixed(1)},${(20 - (18 * p.count) / max).toFixed(1)}`).join(' ');
  return `<svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none" aria-hidden="true"><polyline points="${path}"/></svg>`;
}

export function renderJsErrors(element, rows, view) {
  if (rows.length === 0) {
    element.innerHTML = '<p class="none">No JavaScript errors in this range.</p>';
    return;
  }
  element.innerHTML = `<table class="top-errors"><thead><tr><th>error</th><th>type</th><th>count</th><th>pages</th><th>trend</th></tr></thead><tbody>${rows
    .map(
      (r) => `
    <tr data-fingerprint="${esc(r.fingerprint)}">
      <td class="fingerprint">${esc(r.fingerprint)}</td>
      <td>${esc(r.type)}</td>
      <td class="count">${count(r.total)}</td>
      <td class="pages">${r.pages
        .slice(0, 3)
        .map(([page, n]) => `${esc(page)} <small>${count(n)}</small>`)
        .join('<br>')}</td>
      <td>${sparkline(r.points, view)}</td>
    </tr>`,
    )
    .join('')}</tbody></table>`;
}
