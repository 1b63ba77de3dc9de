// The dashboard reads only the query API. Plain ES module, no build step.
const VITALS = [
  ['web_vitals_lcp', 'LCP', 'ms'], ['web_vitals_inp', 'INP', 'ms'], ['web_vitals_cls', 'CLS', ''],
  ['web_vitals_fcp', 'FCP', 'ms'], ['web_vitals_ttfb', 'TTFB', 'ms'],
];
const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };
const REFRESH_MS = 30_000;
const form = document.getElementById('filters');
const charts = {};
let thresholds = {};

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const show = (value, unit) => (unit === 'ms' ? (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`) : value.toFixed(3));

function filters() {
  const data = new FormData(form);
  const out = {};
  for (const key of ['app', 'page', 'device']) if (data.get(key)) out[key] = String(data.get(key));
  return out;
}

async function api(path, params) {
  const response = await fetch(`${path}?${new URLSearchParams(params)}`, { headers: authHeaders() });
  if (!response.ok) throw new Error(`${path}: ${(await response.json().catch(() => ({}))).message ?? response.status}`);
  return response.json();
}

// On AWS the query API wants the bearer token; it is kept in this browser only.
function authHeaders() {
  const token = localStorage.getItem('vitalstream.token');
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function vitalCard([metric, label, unit], from, to) {
  const range = to - from;
  const [now, before] = await Promise.all([
    api('/v1/aggregates', { metric, from, to, step: 'total', ...filters() }),
    api('/v1/aggregates', { metric, from: from - range, to: from, step: 'total', ...filters() }),
  ]);
  const point = now.series[0]?.points[0];
  const previous = before.series[0]?.points[0];
  const limits = thresholds[metric];
  if (!point) return `<div class="card"><div class="name">${label}</div><div class="value none">no data</div><div class="meta">target ≤ ${show(limits.good, unit)}</div></div>`;
  const rating = point.p75 <= limits.good ? 'good' : point.p75 <= limits.poor ? 'needs-improvement' : 'poor';
  const r = point.ratings ?? { good: 0, needsImprovement: 0, poor: 0 };
  const pct = (n) => `${((100 * n) / point.count).toFixed(0)}%`;
  const trend = previous ? (point.p75 - previous.p75) / previous.p75 : undefined;
  return `<div class="card ${rating}" data-metric="${metric}">
    <div class="name">${label}</div>
    <div class="value">${show(point.p75, unit)}</div>
    <div class="meta">target ≤ ${show(limits.good, unit)} · ${point.count} samples</div>
    <div class="bar" title="good ${pct(r.good)}, needs improvement ${pct(r.needsImprovement)}, poor ${pct(r.poor)}"><span style="width:${pct(r.good)}"></span><span style="width:${pct(r.needsImprovement)}"></span><span style="width:${pct(r.poor)}"></span></div>
    <div class="meta">${pct(r.good)} good · ${pct(r.poor)} poor${trend === undefined ? '' : ` · ${trend > 0 ? '▲' : '▼'} ${(Math.abs(trend) * 100).toFixed(0)}% vs previous`}</div>
  </div>`;
}

function drawChart(id, series, labels, colors, fill) {
  const element = document.getElementById(id);
  const width = element.clientWidth - 16;
  if (series[0].length === 0) {
    charts[id]?.destroy();
    delete charts[id];
    element.innerHTML = '<p class="none">No requests in this range yet.</p>';
    return;
  }
  if (!charts[id]) element.innerHTML = '';
  const options = {
    width, height: 220,
    series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i], width: 2, ...(fill ? { fill: `${colors[i]}33` } : {}) }))],
    axes: [{}, { size: 60 }],
  };
  if (charts[id]) charts[id].setData(series);
  else charts[id] = new uPlot(options, series, element);
}

async function refresh() {
  const to = Date.now();
  const from = to - RANGES[new FormData(form).get('range')];
  try {
    const [cards, latency, alerts, advice] = await Promise.all([
      Promise.all(VITALS.map((v) => vitalCard(v, from, to))),
      api('/v1/aggregates', { metric: 'api_request', from, to, ...filters() }),
      api('/v1/alerts', {}).catch(() => ({ open: [], recent: [] })),
      api('/v1/advice', { from, to, ...(filters().app ? { app: filters().app } : {}) }).catch(() => ({ advice: [] })),
    ]);
    document.getElementById('vitals').innerHTML = cards.join('');
    const points = latency.series[0]?.points ?? [];
    const times = points.map((p) => Date.parse(p.t) / 1000);
    drawChart('latency', [times, points.map((p) => p.p50), points.map((p) => p.p90), points.map((p) => p.p95)], ['p50 ms', 'p90 ms', 'p95 ms'], ['#10B981', '#F59E0B', '#EF4444']);
    drawChart('throughput', [times, points.map((p) => p.count / 60)], ['req/s'], ['#3B82F6'], true);
    const alertItems = [...alerts.open.map((a) => ({ ...a, state: 'open' })), ...alerts.recent.filter((a) => a.state === 'resolved').slice(0, 5)];
    document.getElementById('alerts').innerHTML = alertItems.length
      ? alertItems.map((a) => `<li class="${esc(a.severity)}"><strong>${esc(a.title)}</strong><div>${esc(a.message)}</div><div class="when">${esc(a.state)} · ${esc(a.since ?? a.at ?? '')}</div></li>`).join('')
      : '<li class="none">No open alerts.</li>';
    document.getElementById('advice').innerHTML = advice.advice.length
      ? advice.advice.map((a) => `<li class="${esc(a.severity)}"><strong>${esc(a.title)}</strong><div>${esc(a.recommendation)}</div></li>`).join('')
      : '<li class="none">Nothing to advise for this range.</li>';
    const anyData = cards.some((c) => !c.includes('no data')) || points.length > 0;
    const empty = document.getElementById('empty');
    empty.hidden = anyData;
    empty.innerHTML = `No data yet: send beacons to <code>POST ${location.origin}/v1/beacon</code>, or open <a href="/demo">the demo page</a>.`;
    document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    document.getElementById('updated').textContent = `could not load: ${error.message}`;
  }
}

const catalog = await api('/v1/metrics', {});
thresholds = Object.fromEntries(catalog.metrics.filter((m) => m.rating).map((m) => [m.name, m.rating]));
form.addEventListener('change', refresh);
form.addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
await refresh();
setInterval(refresh, REFRESH_MS);
