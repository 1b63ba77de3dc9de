// The page a team keeps open. Plain ES modules, no build step; every number comes from the query API.
import { api, saveToken, TokenRequired, takeHints } from './api.js';
import { clock, esc, STEP_MS } from './format.js';
import { loadDatabase, renderDatabase } from './panels/database.js';
import { loadErrors, renderErrors } from './panels/errors.js';
import { loadJsErrors, renderJsErrors } from './panels/js-errors.js';
import { renderAdvice, renderAlerts } from './panels/lists.js';
import { loadPools, renderPools } from './panels/pool.js';
import { loadPageView, renderPageView } from './panels/page-view.js';
import { loadPages, renderPages } from './panels/pages.js';
import { loadReleases, renderReleases } from './panels/releases.js';
import { loadTimeline, renderTimeline } from './panels/timeline.js';
import { loadVitals, renderVitals } from './panels/vitals.js';

const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };
const form = document.getElementById('filters');
let thresholds;
let refreshSeconds;
/** A window the user narrowed to by clicking a chart point or a heatmap cell; cleared by picking a range. */
let focus;

/** About 60 to 170 points whatever the range: minutes up to 2 h, then 5 min, 15 min, hours. */
const stepFor = (span) => (span <= 2 * 3600e3 ? 'minute' : span <= 12 * 3600e3 ? '5m' : span <= 2 * 86400e3 ? '15m' : 'hour');

function currentView() {
  const data = new FormData(form);
  const value = (key) => String(data.get(key) ?? '').trim();
  const now = Date.now();
  const [from, to] = focus ? [focus.from, focus.to] : [now - RANGES[value('range')], now];
  const step = stepFor(to - from);
  const only = (keys) => Object.fromEntries(keys.filter((k) => value(k)).map((k) => [k, value(k)]));
  return {
    from,
    to,
    step,
    stepMs: STEP_MS[step],
    endsNow: !focus,
    appFilter: only(['app']),
    // Page and device describe browser beacons; endpoints describe server requests.
    browserFilters: only(['app', 'page', 'device', 'connection', 'browser', 'release']),
    sort: value('sort'),
    // The vitals cards may be split by one breakdown of the page views.
    split: value('split') || undefined,
    serverFilters: only(['app', 'endpoint']),
  };
}

/**
 * The view lives in the address: the filters and the range, or the window narrowed to. A link (an
 * alert's) opens that exact view, a reload keeps it, and the back button goes to the view before.
 */
const FIELDS = ['range', 'app', 'page', 'device', 'connection', 'browser', 'release', 'endpoint', 'split', 'sort'];

function applyAddress() {
  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const value = params.get(name) ?? (name === 'range' ? '1h' : '');
    if (name !== 'range' || RANGES[value]) form.elements[name].value = value;
  }
  const [from, to] = [Number(params.get('from')), Number(params.get('to'))];
  focus = from > 0 && to > from ? { from, to } : undefined;
}

function rememberView() {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const value = String(form.elements[name].value ?? '').trim();
    if (value && !(name === 'range' && (focus || value === '1h'))) params.set(name, value);
  }
  if (focus) {
    params.set('from', String(Math.round(focus.from)));
    params.set('to', String(Math.round(focus.to)));
  }
  const search = params.size ? `?${params}` : '';
  if (search !== location.search) history.pushState(null, '', `${location.pathname}${search}`);
}

/** A choice made in a panel (a page, a sort): into the form, the address and a refresh. */
function choose(fields) {
  for (const [name, value] of Object.entries(fields)) form.elements[name].value = value;
  rememberView();
  void refresh();
}

function narrow({ at, from, to, endpoint }) {
  const view = currentView();
  const width = Math.max(15 * 60e3, 4 * view.stepMs, (to ?? 0) - (from ?? 0));
  const middle = at ?? (from + to) / 2;
  const end = Math.min(Date.now(), middle + width / 2);
  focus = { from: end - width, to: end };
  if (endpoint) form.elements.endpoint.value = endpoint;
  rememberView();
  void refresh();
}

function showFocus(view) {
  const chip = document.getElementById('focus');
  chip.hidden = !focus;
  if (!focus) return;
  const endpoint = view.serverFilters.endpoint;
  chip.querySelector('span').textContent = `Narrowed to ${clock(view.from)}–${clock(view.to)}${endpoint ? ` on ${endpoint}` : ''}`;
}

/** Counts refreshes: one overtaken by a newer (a filter changed meanwhile) draws nothing. */
let generation = 0;

async function refresh() {
  const mine = ++generation;
  const view = currentView();
  showFocus(view);
  try {
    if (!thresholds) {
      const catalog = await api('/v1/metrics');
      thresholds = Object.fromEntries(catalog.metrics.filter((m) => m.rating).map((m) => [m.name, m.rating]));
      // The deployment says how often: every refresh costs Timestream queries on AWS.
      refreshSeconds = catalog.dashboardRefreshSeconds ?? 30;
      setInterval(refresh, refreshSeconds * 1000);
    }
    const [vitals, pages, pageView, timeline, database, pools, errors, jsErrors, releases, alerts, advice, anomalies] = await Promise.all([
      loadVitals(view),
      loadPages(view),
      loadPageView(view),
      loadTimeline(view),
      loadDatabase(view),
      loadPools(view),
      loadErrors(view),
      loadJsErrors(view),
      loadReleases(view),
      api('/v1/alerts').catch(() => ({ open: [], recent: [] })),
      api('/v1/advice', { from: view.from, to: view.to, ...view.appFilter }).catch(() => ({ advice: [] })),
      api('/v1/anomalies')
        .then((a) => [...a.current, ...a.recent])
        .catch(() => []),
    ]);
    if (mine !== generation) return;
    renderVitals(document.getElementById('vitals'), vitals, thresholds, anomalies);
    renderPages(document.getElementById('pages'), pages, thresholds, view.sort, choose);
    renderPageView(document.getElementById('page-view'), pageView);
    renderTimeline(view, timeline, anomalies, narrow);
    renderDatabase(document.getElementById('database'), database, anomalies);
    renderPools(document.getElementById('pool'), pools);
    renderErrors(document.getElementById('errors'), errors, view, narrow);
    renderJsErrors(document.getElementById('js-errors'), jsErrors, view);
    renderReleases(document.getElementById('releases'), releases);
    renderAlerts(document.getElementById('alerts'), alerts, view.appFilter.app);
    renderAdvice(document.getElementById('advice'), advice.advice);
    const anyData = vitals.some((v) => v.point) || timeline.points.length > 0 || database.length > 0 || pools.length > 0;
    const empty = document.getElementById('empty');
    // A filter on a raw path matches nothing (pages are stored as routes): the server says what it folds to.
    const hints = takeHints();
    empty.hidden = anyData && hints.length === 0;
    empty.innerHTML = hints.length
      ? `Nothing matches these filters. ${hints.map(esc).join(' ')}`
      : `No data yet${focus || Object.keys(view.browserFilters).length ? ' for this range and these filters' : ''}: send beacons to <code>POST ${location.origin}/v1/beacon</code>, or open <a href="/demo">the demo page</a> (locally, <code>VITALSTREAM_DEMO=1 npm start</code> fills every panel).`;
    document.getElementById('token').hidden = true;
    document.getElementById('updated').textContent =
      `updated ${new Date().toLocaleTimeString()} · every ${refreshSeconds < 60 ? `${refreshSeconds} s` : `${refreshSeconds / 60} min`}`;
  } catch (error) {
    if (error instanceof TokenRequired) document.getElementById('token').hidden = false;
    document.getElementById('updated').textContent = `could not load: ${error.message}`;
  }
}

form.addEventListener('change', (event) => {
  if (event.target.name === 'range') focus = undefined;
  rememberView();
  void refresh();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  rememberView();
  void refresh();
});
document.querySelector('#focus button').addEventListener('click', () => {
  focus = undefined;
  form.elements.endpoint.value = '';
  rememberView();
  void refresh();
});
window.addEventListener('popstate', () => {
  applyAddress();
  void refresh();
});
document.getElementById('token').addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(new FormData(event.target).get('token'));
  void refresh();
});
let resizing;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(refresh, 250);
});
applyAddress();
await refresh();
