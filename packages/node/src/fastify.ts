import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { Monitor } from './monitor.ts';
import { contentLength, RequestRecorder, UNMATCHED_ROUTE, type RequestMetricOptions } from './request-recorder.ts';

/**
 * Fastify plugin: `app.register(vitalstreamFastify(monitor))`. It adds an onResponse hook to the
 * root instance (Symbol.for('skip-override') keeps it out of plugin encapsulation), so every
 * route of the app is measured.
 */
export function vitalstreamFastify(monitor: Monitor, options: RequestMetricOptions = {}): FastifyPluginCallback {
  const requests = new RequestRecorder(monitor, options);
  const plugin: FastifyPluginCallback = (fastify: FastifyInstance, _opts, done) => {
    if (options.serverTiming ?? true) {
      fastify.addHook('onSend', (_request, reply, payload, hookDone) => {
        const existing = reply.getHeader('server-timing');
        const entry = `app;dur=${reply.elapsedTime.toFixed(1)}`;
        reply.header('server-timing', existing ? `${String(existing)}, ${entry}` : entry);
        hookDone(null, payload);
      });
    }
    fastify.addHook('onResponse', (request, reply, hookDone) => {
      try {
        requests.record({
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status: reply.statusCode,
          durationMs: reply.elapsedTime,
          requestBytes: contentLength(request.headers['content-length']),
          responseBytes: contentLength(reply.getHeader('content-length') as string | undefined),
        });
      } catch {
        // Instrumentation never breaks a response.
      }
      hookDone();
    });
    done();
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
