export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** A duration with the digits it needs: a cache hit of 0.4 ms is not "0 ms", nor 1.4 ms "1 ms". */
export const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 10 || value === 0 ? `${Math.round(value)} ms` : `${Number(value.toPrecision(2))} ms`;

/** "1 sample", "2 samples" ("1 query", "2 queries" with the plural given). */
export const plural = (n, noun, nouns = `${noun}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;

export const show = (value, unit) => (unit === 'ms' ? ms(value) : value.toFixed(3));

export const percent = (share, digits = 0) => `${(100 * share).toFixed(digits)}%`;

/** HH:MM in the viewer's time zone (the charts use it too). */
export const clock = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export const count = (n) => n.toLocaleString('en-US');

/** A time label fit for the span shown: the day as well once the view covers more than one. */
export const stamp = (t, span) =>
  span > 86400e3 ? new Date(t).toLocaleString([], { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : clock(t);

/** The point widths the query API offers (its `step`), finest first, in ms. */
export const STEP_MS = { minute: 60e3, '5m': 300e3, '15m': 900e3, hour: 3600e3 };
