import { subscribe, unsubscribe } from 'node:diagnostics_channel';
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

interface UndiciRequest {
  origin?: string | URL;
  method?: string;
  path?: string;
}

/**
 * Measures outgoing HTTP made through Node's global fetch (and undici), via the diagnostics
 * channels undici publishes: no monkey-patching. Duration is to the response headers.
 */
export function instrumentFetch(monitor: Monitor, options: ExternalApiOptions = {}): () => void {
  const started = new WeakMap<object, bigint>();
  // A refused or failed connection is published without its request: fail the pending ones to that origin.
  const pending = new Map<string, Set<UndiciRequest>>();
  const originKey = (origin: string | URL | undefined) => {
    try {
      return new URL(String(origin)).origin;
    } catch {
      return String(origin);
    }
  };
  const ignore = [...(options.ignore ?? []), ...(monitor.options.endpoint ? [monitor.options.endpoint] : [])];
  const urlOf = (request: UndiciRequest) => {
    try {
      return new URL(request.path ?? '/', String(request.origin));
    } catch {
      return undefined;
    }
  };
  const ignored = (url: URL) => ignore.some((prefix) => url.href.startsWith(prefix) || url.host === prefix);
  const onCreate = (message: unknown) => {
    const request = (message as { request: UndiciRequest }).request;
    started.set(request as object, process.hrtime.bigint());
    const key = originKey(request.origin);
    pending.set(key, (pending.get(key) ?? new Set()).add(request));
  };
  const finish = (request: UndiciRequest, facts: { status?: number; error?: unknown }) => {
    const start = started.get(request as object);
    const url = urlOf(request);
    pending.get(originKey(request.origin))?.delete(request);
    if (start === undefined || !url || ignored(url)) return;
    started.delete(request as object);
    try {
      recordCall(monitor, { url, method: request.method ?? 'GET', durationMs: Number(process.hrtime.bigint() - start) / 1e6, ...facts }, options);
    } catch {
      // never let instrumentation break a call
    }
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    finish(request, { status: response.statusCode });
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: UndiciRequest; error: unknown };
    finish(request, { error });
  };
  const onConnectError = (message: unknown) => {
    const { connectParams, error } = message as { connectParams: { protocol: string; host: string }; error: unknown };
    const key = originKey(`${connectParams.protocol}//${connectParams.host}`);
    for (const request of [...(pending.get(key) ?? [])]) finish(request, { error });
  };
  const channels: [string, (message: unknown) => void][] = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:error', onError],
    ['undici:client:connectError', onConnectError],
  ];
  for (const [name, listener] of channels) subscribe(name, listener);
  return () => {
    for (const [name, listener] of channels) unsubscribe(name, listener);
  };
}

interface AxiosLike {
  interceptors: {
    request: { use(onFulfilled: (config: AxiosConfig) => AxiosConfig): number; eject(id: number): void };
    response: {
      use(onFulfilled: (response: AxiosResponseLike) => AxiosResponseLike, onRejected: (error: AxiosErrorLike) => unknown): number;
      eject(id: number): void;
    };
  };
  getUri?(config: AxiosConfig): string;
}
interface AxiosConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  [key: string]: unknown;
}
interface AxiosResponseLike {
  status: number;
  config: AxiosConfig;
}
interface AxiosErrorLike {
  config?: AxiosConfig;
  response?: { status: number };
  code?: string;
  name?: string;
}

const STARTED = Symbol.for('vitalstream.started');

/** Axios interceptors for the same metrics (axios in Node uses the http module, which fetch's channels do not see). */
export function instrumentAxios(monitor: Monitor, axios: AxiosLike, options: ExternalApiOptions = {}): () => void {
  const urlOf = (config: AxiosConfig | undefined) => {
    try {
      return new URL(axios.getUri?.(config ?? {}) ?? config?.url ?? '', config?.baseURL ?? 'http://unknown');
    } catch {
      return undefined;
    }
  };
  const finish = (config: AxiosConfig | undefined, facts: { status?: number; error?: unknown }) => {
    const start = config?.[STARTED as unknown as string] as bigint | undefined;
    const url = urlOf(config);
    if (start === undefined || !url) return;
    recordCall(monitor, { url, method: config?.method ?? 'get', durationMs: Number(process.hrtime.bigint() - start) / 1e6, ...facts }, options);
  };
  const requestId = axios.interceptors.request.use((config) => {
    (config as Record<string | symbol, unknown>)[STARTED] = process.hrtime.bigint();
    return config;
  });
  const responseId = axios.interceptors.response.use(
    (response) => {
      finish(response.config, { status: response.status });
      return response;
    },
    (error) => {
      finish(error.config, error.response ? { status: error.response.status } : { error });
      return Promise.reject(error);
    },
  );
  return () => {
    axios.interceptors.request.eject(requestId);
    axios.interceptors.response.eject(responseId);
  };
}
