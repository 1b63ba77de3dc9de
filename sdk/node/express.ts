import type { NextFunction, Request, Response } from 'express';
import type { Monitor } from './monitor.ts';
import { contentLength, recordRequest, UNMATCHED_ROUTE, type RequestMetricOptions } from './http-server.ts';

/** Express middleware: `app.use(vitalstreamExpress(monitor))` before your routes. */
export function vitalstreamExpress(monitor: Monitor, options: RequestMetricOptions = {}) {
  return (request: Request, response: Response, next: NextFunction) => {
    const start = performance.now();
    response.once('finish', () => {
      try {
        const route = request.route?.path ? `${request.baseUrl ?? ''}${String(request.route.path)}` : UNMATCHED_ROUTE;
        recordRequest(monitor, {
          method: request.method,
          route,
          status: response.statusCode,
          durationMs: performance.now() - start,
          requestBytes: contentLength(request.headers['content-length']),
          responseBytes: contentLength(response.getHeader('content-length') as string | undefined),
        }, options);
      } catch {
        // Instrumentation never breaks a response.
      }
    });
    next();
  };
}
