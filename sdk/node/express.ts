import type { NextFunction, Request, Response } from 'express';
import type { Monitor } from './monitor.ts';
import { contentLength, recordRequest, UNMATCHED_ROUTE, type RequestMetricOptions } from './http-server.ts';

/** Express middleware: `app.use(vitalstreamExpress(monitor))` before your routes. */
export function vitalstreamExpress(monitor: Monitor, options: RequestMetricOptions = {}) {
  return (request: Request, response: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    response.once('finish', () => {
      try {
        const route = request.route?.path ? `${request.baseUrl ?? ''}${String(request.route.path)}` : UNMATCHED_ROUTE;
        recordRequest(monitor, {
          method: request.method,
          route,
          status: response.statusCode,
          durationMs: Number(process.hrtime.bigint() - start) / 1e6,
          requestBytes: contentLength(request.headers['content-length']) ?? 0,
          responseBytes: contentLength(response.getHeader('content-length') as string | undefined),
        }, options);
      } catch {
        // Instrumentation never breaks a response.
      }
    });
    next();
  };
}
