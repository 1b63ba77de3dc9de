import type { Condition } from './rules.ts';

/** The dimensions the dashboard filters by; an alert's others (method, status) are in its title. */
const DASHBOARD_FILTERS = ['app', 'page', 'device', 'endpoint'] as const;
/** Around an alert's window: enough before to see it start, and after to see whether it ended. */
const CONTEXT_MS = 30 * 60_000;

/**
 * Where an alert points: the dashboard at its app, page or endpoint, narrowed to the half hours
 * around its window when it has one (else the last hour), with its metric named. The dashboard
 * reads every one of these from its address, so the link opens that exact view.
 */
export function conditionLink(dashboardUrl: string, condition: Condition): string {
  const params = new URLSearchParams();
  for (const key of DASHBOARD_FILTERS) {
    const value = condition.dimensions[key];
    if (value) params.set(key, value);
  }
  if (condition.windowStart !== undefined) {
    params.set('from', String(condition.windowStart - CONTEXT_MS));
    params.set('to', String(condition.windowStart + (condition.windowMs ?? 60_000) + CONTEXT_MS));
  } else {
    params.set('range', '1h');
  }
  params.set('metric', condition.metric);
  return `${dashboardUrl}?${params}`;
}
