import { routeTemplate } from '@vitalstream/protocol';
import type { Monitor } from './monitor.ts';
import { statusClass } from './monitor.ts';

/** Default SLA targets (response time, ms) for common providers; override or extend per service. */
export const DEFAULT_SLA_TARGETS: Record<string, number> = { stripe: 2000, sendgrid: 5000, aws: 1000 };

export interface ExternalApiOptions {
  /** host -> service name; otherwise the host's second-level label (api.stripe.com -> stripe). */
  services?: Record<string, string>;
  slaTargets?: Record<string, number>;
  /** Hosts or URL prefixes never measured (the beacon endpoint is always excluded). */
  ignore?: string[];
}

export function serviceOf(host: string, services: Record<string, string> = {}): string {
  if (services[host]) return services[host]!;
  if (/(^|\.)amazonaws\.com$/.test(host)) return 'aws';
  const labels = host.replace(/:\d+$/, '').split('.');
  return (labels.length >= 2 ? labels[labels.length - 2]! : labels[0]!).slice(0, 64) || 'unknown';
}

export interface CallFacts {
  url: URL;
  method: string;
  durationMs: number;
  status?: number;
  error?: unknown;
}

/** One outgoing call as external_api_call, plus sla_compliance for services with a target. */
export function recordCall(monitor: Monitor, call: CallFacts, options: ExternalApiOptions = {}): void {
  const service = serviceOf(call.url.host, options.services);
  const tags: Record<string, string> = { service, endpoint: routeTemplate(call.url.pathname), method: call.method.toUpperCase() };
  if (call.status !== undefined) {
    tags.status_code = String(call.status);
    tags.status_class = statusClass(call.status);
    tags.status = call.status < 500 ? 'success' : 'error';
  } else {
    tags.status = 'error';
    const e = call.error as { code?: unknown; cause?: { code?: unknown }; name?: unknown } | undefined;
    tags.error_type = String(e?.code ?? e?.cause?.code ?? e?.name ?? 'unknown').slice(0, 64);
  }
  monitor.record({ name: 'external_api_call', value: call.durationMs, unit: 'ms', source: 'external_api', tags });
  const target = { ...DEFAULT_SLA_TARGETS, ...options.slaTargets }[service];
  if (target !== undefined) {
    const met = call.status !== undefined && call.status < 500 && call.durationMs <= target;
    monitor.record({
      name: 'sla_compliance',
      value: met ? 1 : 0,
      unit: 'score',
      source: 'external_api',
      tags: { service, metric_type: 'response_time_sla', target: String(target) },
    });
  }
}
