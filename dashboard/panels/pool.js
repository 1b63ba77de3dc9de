import { api } from '../api.js';
import { esc, percent } from '../format.js';

/** The pool's bands: healthy under 70 %, busy to 85 %, strained to 95 %, saturated above (no headroom for a burst). */
export const POOL_BANDS = [
  [0.7, '#0f9d58'],
  [0.85, '#f4b400'],
  [0.95, '#f97316'],
  [1, '#db4437'],
];
const RECENT_MS = 5 * 60e3;

/** Averages over the last five minutes of the view, per pool. */
export async function loadPools(view) {
  const from = Math.max(view.from, view.to - RECENT_MS);
  const read = (metric) =>
    api('/v1/aggregates', { metric, from, to: view.to, step: 'total', group_by: 'pool', ...view.appFilter }).then((a) =>
      Object.fromEntries(a.series.map((s) => [s.dimensions.pool, s.points[0]])),
    );
  const [total, idle, waiting, max] = await Promise.all(
    ['connection_pool_total', 'connection_pool_idle', 'connection_pool_waiting', 'connection_pool_max'].map(read),
  );
  return Object.keys(total)
    .sort()
    .map((pool) => {
      const inUse = Math.max(0, total[pool].avg - (idle[pool]?.avg ?? 0));
      const limit = max[pool]?.avg ?? total[pool].max;
      return { pool, inUse, limit, share: limit > 0 ? Math.min(1, inUse / limit) : 0, waiting: waiting[pool]?.avg ?? 0, limitKnown: Boolean(max[pool]) };
    });
}

const polar = (share, radius) => {
  const angle = Math.PI * (1 - share);
  return [60 + radius * Math.cos(angle), 60 - radius * Math.sin(angle)];
};
const arc = (from, to, radius) => {
  const [x0, y0] = polar(from, radius);
  const [x1, y1] = polar(to, radius);
  return `M${x0.toFixed(2)} ${y0.toFixed(2)} A${radius} ${radius} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
};

export function renderPools(element, pools) {
  if (pools.length === 0) {
    element.innerHTML =
      '<p class="none">No pool gauges in the last five minutes of this range: trackPgPool / trackMysql2Pool report them every 5 s (see the README).</p>';
    return;
  }
  element.innerHTML = `${pools
    .map((p) => {
      const band = POOL_BANDS.find(([upTo]) => p.share <= upTo) ?? POOL_BANDS.at(-1);
      let start = 0;
      const bands = POOL_BANDS.map(([upTo, color]) => {
        const path = `<path d="${arc(start, upTo, 44)}" stroke="${color}" stroke-width="10" fill="none" opacity=".35"/>`;
        start = upTo;
        return path;
      }).join('');
      const [nx, ny] = polar(p.share, 38);
      return `<figure class="gauge" data-pool="${esc(p.pool)}" data-share="${p.share.toFixed(4)}">
      <svg viewBox="0 0 120 70" role="img" aria-label="${esc(p.pool)} pool ${percent(p.share)} in use">
        ${bands}
        <path d="${arc(0, Math.max(0.005, p.share), 44)}" stroke="${band[1]}" stroke-width="10" fill="none"/>
        <line x1="60" y1="60" x2="${nx.toFixed(2)}" y2="${ny.toFixed(2)}" stroke="#1f2937" stroke-width="2"/>
        <text x="60" y="58" text-anchor="middle" font-size="14" font-weight="650">${percent(p.share)}</text>
      </svg>
      <figcaption><b>${esc(p.pool)}</b>: ${p.inUse.toFixed(1)} of ${p.limit.toFixed(0)} connections in use${p.limitKnown ? '' : ' (limit unknown: share of open connections)'} · ${p.waiting.toFixed(1)} waiting</figcaption>
    </figure>`;
    })
    .join('')}<p class="legend">in use over the last 5 min: green under 70 %, amber to 85 %, orange to 95 %, red above</p>`;
}
