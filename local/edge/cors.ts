import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/**
 * An allowed-origins entry as a pattern: `*` stands for any run of characters without a dot
 * (`https://*.example.com`, `http://localhost:*`), the same reading the AWS handlers' CORS gives it.
 */
export function originPattern(entry: string): RegExp {
  return new RegExp(`^${entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^.]*')}$`);
}

export type CorsCheck = (request: IncomingMessage, response: ServerResponse) => 'answered' | 'continue';

/**
 * CORS for one route: an allowed Origin is echoed back with credentials, never `*` (sendBeacon
 * always sends credentials, and browsers refuse a credentialed answer with a wildcard). A
 * preflight is answered here (204) and the route's handler is not called.
 */
export function corsFor(allowedOrigins: readonly string[], methods: string): CorsCheck {
  const patterns = allowedOrigins.map(originPattern);
  const middleware = cors({
    origin: (origin, allow) => allow(null, origin !== undefined && patterns.some((p) => p.test(origin)) ? origin : false),
    credentials: true,
    methods,
    allowedHeaders: 'content-type',
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return (request, response) => {
    let passed = false;
    // The origin check above answers synchronously, so the middleware has decided on return.
    middleware(request, response, () => {
      passed = true;
    });
    return passed ? 'continue' : 'answered';
  };
}
