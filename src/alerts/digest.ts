import { SEVERITIES, type Alert } from './alert.ts';

/** Titles a digest lists by name; the rest are counted. */
const DIGEST_TITLES = 10;

/** One message to deliver, and the alerts it stands for (the digest stands for many). */
export interface Notification {
  alert: Alert;
  covers: readonly Alert[];
}

/**
 * Caps what one run sends per app: its most severe `perApp` alerts go out on their own, and the
 * rest of that app's alerts go out as one digest ("and 96 more pages"). A storm of new pages or
 * endpoints (a crawler, a release that renamed routes) then reaches on-call as a handful of
 * messages. Every alert stays in the lifecycle state either way, so none fires again next run.
 */
export function limitNotifications(alerts: readonly Alert[], perApp: number, now: number): Notification[] {
  const byApp = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const app = alert.app ?? '';
    byApp.set(app, [...(byApp.get(app) ?? []), alert]);
  }
  const out: Notification[] = [];
  for (const [app, appAlerts] of byApp) {
    const ranked = [...appAlerts].sort((a, b) => rank(b) - rank(a));
    for (const alert of ranked.slice(0, perApp)) out.push({ alert, covers: [alert] });
    const rest = ranked.slice(perApp);
    if (rest.length > 0) out.push({ alert: digestOf(app, rest, now), covers: rest });
  }
  return out;
}

/** Firing before resolved, then by severity. */
const rank = (alert: Alert) => (alert.state === 'firing' ? SEVERITIES.length : 0) + SEVERITIES.indexOf(alert.severity);

function digestOf(app: string, rest: readonly Alert[], now: number): Alert {
  const firing = rest.filter((a) => a.state === 'firing').length;
  const resolved = rest.length - firing;
  const counts = [firing > 0 ? `${firing} more firing` : '', resolved > 0 ? `${resolved} more resolved` : ''].filter(Boolean).join(' and ');
  const worst = rest.reduce(
    (w, a) => (a.state === 'firing' && SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(w) ? a.severity : w),
    'info' as Alert['severity'],
  );
  const listed = rest
    .slice(0, DIGEST_TITLES)
    .map((a) => `- ${a.title}`)
    .join('\n');
  const more = rest.length > DIGEST_TITLES ? `\n…and ${rest.length - DIGEST_TITLES} more; the dashboard's alert list has each one.` : '';
  return {
    key: `digest|${app}|${now}`,
    rule: 'digest',
    severity: worst,
    state: 'firing',
    title: `${app || 'vitalstream'}: and ${counts} alert${rest.length === 1 ? '' : 's'} this run`,
    message: `${rest.length} more alerts this run for ${app || 'this deployment'} were folded into this one message:\n${listed}${more}`,
    at: now,
    ...(app ? { app, dimensions: { app } } : {}),
  };
}
