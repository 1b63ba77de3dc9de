import { esc } from '../format.js';

/** Open alerts and the last resolved ones; with an app chosen, that app's only (an alert names its app, or its dimensions do). */
export function renderAlerts(element, alerts, app) {
  const ofApp = (a) => !app || (a.app ?? a.dimensions?.app) === app;
  const items = [
    ...alerts.open.filter(ofApp).map((a) => ({ ...a, state: 'open' })),
    ...alerts.recent.filter((a) => a.state === 'resolved' && ofApp(a)).slice(0, 5),
  ];
  element.innerHTML = items.length
    ? items
        .map(
          (a) =>
            `<li class="${esc(a.severity)}" data-rule="${esc(a.rule)}"><strong>${esc(a.title)}</strong><div>${esc(a.message)}</div><div class="when">${esc(a.state)} · ${esc(a.since ?? a.at ?? '')}</div></li>`,
        )
        .join('')
    : `<li class="none">No open alerts${app ? ` for ${esc(app)}` : ''}.</li>`;
}

export function renderAdvice(element, advice) {
  element.innerHTML = advice.length
    ? advice.map((a) => `<li class="${esc(a.severity)}"><strong>${esc(a.title)}</strong><div>${esc(a.recommendation)}</div></li>`).join('')
    : '<li class="none">Nothing to advise for this range.</li>';
}
