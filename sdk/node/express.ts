import type { NextFunction, Request, Response } from 'express';
import type { Monitor } from './monitor.ts';
import { contentLength, RequestRecorder, UNMATCHED_ROUTE, type RequestMetricOptions } from './http-server.ts';

/** Express middleware: `app.use(vitalstreamExpress(monitor))` before your routes. */
export function vitalstreamExpress(monitor: Monitor, options: RequestMetricOptions = {}) {
  const requests = new RequestRecorder(monitor, options);
  const finished = (request: Request, response: Response, startedAt: number) => {
    try {
      const template = request.route?.path as unknown;
      const route = template === undefined ? UNMATCHED_ROUTE : request.baseUrl ? `${request.baseUrl}${String(template)}` : String(template);
      requests.record({
        method: request.method,
        route,
        status: response.statusCode,
        durationMs: performance.now() - startedAt,
        requestBytes: contentLength(request.headers['content-length']),
        responseBytes: contentLength(response.getHeader('content-length') as string | undefined),
      });
    } catch {
      // Instrumentation never breaks a response.
    }
  };
  // `on`, not `once`: the response is discarded after 'finish' anyway, and once's wrapper costs a
  // hello-world app measurable throughput. (So does adding a property to Express's request: the
  // start time stays in the closure.)
  return (request: Request, response: Response, next: NextFunction) => {
    const startedAt = performance.now();
    response.on('finish', () => finished(request, response, startedAt));
    next();
  };
}
