import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Monitor } from './monitor.ts';
import { type ExternalApiOptions, recordCall } from './external-call.ts';

export { DEFAULT_SLA_TARGETS, type ExternalApiOptions } from './external-call.ts';

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
