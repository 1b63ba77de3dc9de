import { api } from '../api.js';
import { clock, esc, ms } from '../format.js';

const charts = {};

/** api_request per step, the api_request anomalies, and (for ranges of 6 h and more that end now) the p95 forecast. */
export async function loadTimeline(view) {
  const forecastHours = view.endsNow && view.to - view.from >= 6 * 3600e3 ? Math.ceil((view.to - view.from) / 3 / 3600e3) : 0;
  const [requests, forecast] = await Promise.all([
    api('/v1/aggregates', { metric: 'api_request', from: view.from, to: view.to, step: view.step, ...view.serverFilters }),
    forecastHours ? api('/v1/forecasts', { metric: 'api_request', horizon_hours: forecastHours, ...view.serverFilters }).catch(() => undefined) : undefined,
  ]);
  return { points: requests.series[0]?.points ?? [], forecast: forecast?.forecast ?? [], model: forecast?.model, ratio: forecast?.ratio, note: forecast?.note };
}

/** Anomaly windows (ms) of a metric inside the view that match its filters. */
export function anomalyWindows(anomalies, metric, view) {
  const seen = new Map();
  for (const a of anomalies) {
    if (a.metric !== metric || !a.windowStart) continue;
    if (Object.entries(view.serverFilters).some(([k, v]) => a.dimensions?.[k] !== undefined && a.dimensions[k] !== v)) continue;
    const start = Date.parse(a.windowStart);
    const end = start + (a.windowMs ?? 900e3);
    if (end <= view.from || start >= view.to) continue;
    seen.set(`${start}|${a.title}`, { start, end, title: a.title });
  }
  return [...seen.values()];
}

export function renderTimeline(view, { points, forecast, model, ratio, note }, anomalies, onNarrow) {
  const stepSeconds = view.stepMs / 1000;
  const times = points.map((p) => Date.parse(p.t) / 1000);
  const future = forecast.map((f) => Date.parse(f.t) / 1000).filter((t) => t > (times.at(-1) ?? 0));
  const pad = (values) => [...values, ...future.map(() => null)];
  const ahead = (pick) => [...times.map(() => null), ...forecast.filter((f) => Date.parse(f.t) / 1000 > (times.at(-1) ?? 0)).map(pick)];
  const marks = anomalyWindows(anomalies, 'api_request', view);
  const latencySeries = [
    { label: 'p50 ms', stroke: '#10B981' },
    { label: 'p90 ms', stroke: '#F59E0B' },
    { label: 'p95 ms', stroke: '#EF4444' },
  ];
  const latencyData = [[...times, ...future], pad(points.map((p) => p.p50)), pad(points.map((p) => p.p90)), pad(points.map((p) => p.p95))];
  let bands;
  if (future.length) {
    latencySeries.push(
      { label: 'p95 forecast', stroke: '#7C3AED', dash: [6, 4] },
      { label: 'band high', stroke: '#7C3AED55', width: 1 },
      { label: 'band low', stroke: '#7C3AED55', width: 1 },
    );
    latencyData.push(
      ahead((f) => f.value),
      ahead((f) => f.upper),
      ahead((f) => f.lower),
    );
    bands = [{ series: [5, 6], fill: '#7C3AED22' }];
  }
  draw('latency', latencyData, latencySeries, { bands, marks, onNarrow, view });
  draw('throughput', [times, points.map((p) => p.count / stepSeconds)], [{ label: 'req/s', stroke: '#3B82F6', fill: '#3B82F633' }], {
    marks: [],
    onNarrow,
    view,
  });
  document.getElementById('latency-notes').innerHTML = [
    ...marks.map((m) => `<li class="mark" data-start="${m.start}">⚠ ${clock(m.start)}–${clock(m.end)}: ${esc(m.title)}</li>`),
    ...(future.length
      ? [
          `<li class="forecast">p95 forecast for the next ${forecast.length} h, with its 90 % band (from ${clock(Date.parse(forecast[0].t))})${forecastBasis(model, ratio, note)}</li>`,
        ]
      : []),
  ].join('');
}

function draw(id, data, series, { bands, marks, onNarrow, view }) {
  const element = document.getElementById(id);
  charts[id]?.destroy();
  delete charts[id];
  if (data[0].length === 0) {
    element.innerHTML = `<p class="none">No requests in this range${Object.keys(view.serverFilters).length ? ' for these filters' : ''} yet: the server SDK's middleware reports them (see the README).</p>`;
    return;
  }
  element.innerHTML = '';
  charts[id] = new uPlot(
    {
      width: Math.max(260, element.clientWidth - 16),
      height: 220,
      series: [{}, ...series.map((s) => ({ width: 2, spanGaps: false, ...s, fill: s.fill }))],
      axes: [{}, { size: 60, values: (_u, ticks) => ticks.map((v) => (id === 'latency' ? ms(v) : String(Number(v.toPrecision(3))))) }],
      scales: { x: { time: true } },
      ...(bands ? { bands } : {}),
      hooks: {
        draw: [
          (u) => {
            // Anomaly windows as shaded columns behind the lines.
            const { ctx } = u;
            ctx.save();
            ctx.fillStyle = 'rgba(219, 68, 55, 0.14)';
            for (const m of marks) {
              const x0 = u.valToPos(Math.max(m.start, view.from) / 1000, 'x', true);
              const x1 = u.valToPos(Math.min(m.end, view.to) / 1000, 'x', true);
              ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
            }
            ctx.restore();
          },
        ],
        ready: [
          (u) =>
            u.over.addEventListener('click', () => {
              const idx = u.cursor.idx;
              if (idx != null) onNarrow({ at: u.data[0][idx] * 1000 });
            }),
        ],
      },
    },
    data,
    element,
  );
}

/** Which model made the forecast and how it did on the series' own last days, as the forecast API reports it. */
function forecastBasis(model, ratio, note) {
  if (note) return `: ${esc(note)}`;
  if (!model) return '';
  return `: ${esc(model)}${typeof ratio === 'number' ? `, ${ratio.toFixed(2)}× seasonal naive's error in its backtest` : ''}`;
}
