import { api } from '../api.js';
import { count, esc, ms, percent } from '../format.js';

const RELEASES = 4;
/** What a release is judged by: each vital's p75 and the requests' p95. */
const COLUMNS = [
  ['web_vitals_lcp', 'LCP p75', 'p75', 'ms'],
  ['web_vitals_inp', 'INP p75', 'p75', 'ms'],
  ['web_vitals_cls', 'CLS p75', 'p75', ''],
  ['api_request', 'request p95', 'p95', 'ms'],
];

/** Newest releases last, by version order (1.10.0 after 1.9.2). */
const byVersion = (a, b) => a.localeCompare(b, undefined, { numeric: true });

export async function loadReleases(view) {
  const answers = await Promise.all(
    COLUMNS.map(([metric]) => api('/v1/aggregates', { metric, from: view.from, to: view.to, step: 'total', group_by: 'release', ...view.appFilter })),
  );
  const releases = [...new Set(answers.flatMap((a) => a.series.map((s) => s.dimensions.release)))].sort(byVersion).slice(-RELEASES);
  return releases.map((release) => ({
    release,
    values: answers.map((answer, i) => answer.series.find((s) => s.dimensions.release === release)?.points[0]?.[COLUMNS[i][2]]),
    samples: answers[0].series.find((s) => s.dimensions.release === release)?.points[0]?.count ?? 0,
  }));
}

export function renderReleases(element, rows) {
  if (rows.length === 0) {
    element.innerHTML = '<p class="none">No releases in this range: set <code>release</code> in the SDKs to compare them.</p>';
    return;
  }
  const cell = (value, previous, unit) => {
    if (value === undefined) return '<td class="none">–</td>';
    const shown = unit === 'ms' ? ms(value) : value.toFixed(3);
    if (previous === undefined) return `<td>${shown}</td>`;
    const change = (value - previous) / previous;
    // Lower is better for every column: a rise is a regression.
    const tone = Math.abs(change) < 0.05 ? '' : change > 0 ? 'worse' : 'better';
    return `<td class="${tone}">${shown} <small>${change > 0 ? '▲' : '▼'} ${percent(Math.abs(change))}</small></td>`;
  };
  element.innerHTML = `<table class="releases"><thead><tr><th>release</th>${COLUMNS.map(([, label]) => `<th>${label}</th>`).join('')}<th>page views</th></tr></thead><tbody>${rows
    .map(
      (row, r) => `
    <tr data-release="${esc(row.release)}"><th>${esc(row.release)}</th>${row.values.map((v, i) => cell(v, rows[r - 1]?.values[i], COLUMNS[i][3])).join('')}<td>${count(row.samples)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}
