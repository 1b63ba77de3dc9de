import { api } from '../api.js';
import { clock, esc, ms, plural } from '../format.js';

export async function loadDatabase(view) {
  const answer = await api('/v1/aggregates', {
    metric: 'database_query',
    from: view.from,
    to: view.to,
    step: 'total',
    group_by: 'query_type',
    ...view.appFilter,
  });
  return answer.series.map((s) => ({ type: s.dimensions.query_type, ...s.points[0] })).sort((a, b) => b.count - a.count);
}

/** One bar per query type: p95 as the bar, the average inside it, and the volume. */
export function renderDatabase(element, rows, anomalies) {
  if (rows.length === 0) {
    element.innerHTML = '<p class="none">No database queries in this range: instrumentPg / instrumentMysql2 in your server report them (see the README).</p>';
    return;
  }
  const longest = Math.max(...rows.map((r) => r.p95));
  element.innerHTML = `<ul class="bars">${rows
    .map((r) => {
      const unusual = anomalies.find((a) => a.metric === 'database_query' && a.dimensions?.query_type === r.type);
      return `<li data-query-type="${esc(r.type)}">
      <span class="label">${esc(r.type)}</span>
      <span class="track" title="p95 ${ms(r.p95)}, average ${ms(r.avg)}"><span class="p95" style="width:${(100 * r.p95) / longest}%"><span class="avg" style="width:${(100 * r.avg) / Math.max(r.p95, r.avg)}%"></span></span></span>
      <span class="figures">p95 <b>${ms(r.p95)}</b> · avg ${ms(r.avg)} · ${plural(r.count, 'query', 'queries')}${unusual ? ` <span class="badge" title="${esc(unusual.title)}">unusual at ${clock(Date.parse(unusual.windowStart))}</span>` : ''}</span>
    </li>`;
    })
    .join('')}</ul><p class="legend"><span class="swatch p95"></span>p95 <span class="swatch avg"></span>average, over the range</p>`;
}
