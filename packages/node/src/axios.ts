import type { Monitor } from './monitor.ts';
import { type ExternalApiOptions, recordCall } from './external-call.ts';

export { DEFAULT_SLA_TARGETS, type ExternalApiOptions } from './external-call.ts';

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
