import { api } from '../api.js';
import { count, esc, percent, stamp } from '../format.js';

const MAX_ROWS = 8;

/** Requests and 5xx per endpoint per step; the grid covers the whole view, empty cells included. */
export async function loadErrors(view) {
  const query = (extra) =>
    api('/v1/aggregates', { metric: 'api_request', from: view.from, to: view.to, step: view.step, group_by: 'endpoint', ...view.serverFilters, ...extra });
  const [all, failed] = await Promise.all([query({}), query({ status_class: '5xx' })]);
  const byTime = (series) => new Map(series.points.map((p) => [Date.parse(p.t), p.count]));
  const errors = new Map(failed.series.map((s) => [s.dimensions.endpoint, byTime(s)]));
  const rows = all.series
    .map((s) => {
      const requests = byTime(s);
      const failures = errors.get(s.dimensions.endpoint) ?? new Map();
      const total = [...requests.values()].reduce((a, b) => a + b, 0);
      const failedTotal = [...failures.values()].reduce((a, b) => a + b, 0);
      return { endpoint: s.dimensions.endpoint, requests, failures, total, failedTotal };
    })
    .sort((a, b) => b.failedTotal / b.total - a.failedTotal / a.total || b.total - a.total)
    .slice(0, MAX_ROWS);
  const first = Math.floor(view.from / view.stepMs) * view.stepMs;
  const columns = [];
  for (let t = first; t < view.to; t += view.stepMs) columns.push(t);
  return { rows, columns };
}

/** White to dark red; a quarter of requests failing is already the darkest. */
const heat = (share) => {
  const x = Math.min(1, Math.sqrt(share / 0.25));
  return `rgb(${Math.round(255 - 152 * x)}, ${Math.round(245 - 245 * x)}, ${Math.round(240 - 227 * x)})`;
};

export function renderErrors(element, { rows, columns }, view, onNarrow) {
  const clock = (t) => stamp(t, view.to - view.from);
  if (rows.length === 0) {
    element.innerHTML = '<p class="none">No requests in this range yet.</p>';
    return;
  }
  const header = `<div class="hm-corner"></div>${columns.map((t, i) => `<div class="hm-time">${i % Math.ceil(columns.length / 6) === 0 ? clock(t) : ''}</div>`).join('')}`;
  const body = rows
    .map(
      (r) =>
        `<div class="hm-label" title="${esc(r.endpoint)}">${esc(r.endpoint)} <small>${percent(r.failedTotal / r.total, 1)}</small></div>${columns
          .map((t) => {
            const n = r.requests.get(t) ?? 0;
            const failed = r.failures.get(t) ?? 0;
            if (n === 0) return `<div class="hm-cell empty" title="${esc(r.endpoint)} · ${clock(t)}: no requests"></div>`;
            return `<button class="hm-cell" data-endpoint="${esc(r.endpoint)}" data-t="${t}" data-errors="${failed}" data-requests="${n}" style="background:${heat(failed / n)}" title="${esc(r.endpoint)} · ${clock(t)}: ${count(failed)} of ${count(n)} failed (${percent(failed / n, 1)})" aria-label="${esc(r.endpoint)} at ${clock(t)}: ${percent(failed / n, 1)} server errors"></button>`;
          })
          .join('')}`,
    )
    .join('');
  element.innerHTML = `<div class="heatmap" style="grid-template-columns: minmax(7rem, 12rem) repeat(${columns.length}, minmax(2px, 1fr))">${header}${body}</div>
    <p class="legend">share of requests answered 5xx per ${view.stepMs >= 3600e3 ? 'hour' : `${view.stepMs / 60e3} min`}; click a cell to narrow to it</p>`;
  for (const cell of element.querySelectorAll('button.hm-cell')) {
    cell.addEventListener('click', () => {
      const t = Number(cell.dataset.t);
      onNarrow({ from: t, to: t + view.stepMs, endpoint: cell.dataset.endpoint });
    });
  }
}
