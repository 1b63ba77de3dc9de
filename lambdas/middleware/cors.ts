import httpCors from '@middy/http-cors';

/**
 * Echoes an allowed Origin back, never `*`: sendBeacon always sends credentials, and browsers
 * refuse a credentialed response with a wildcard origin. Entries may use `*` within a host
 * (`https://*.example.com`, `http://localhost:*`).
 */
export const corsFor = (allowedOrigins: readonly string[], methods: string) =>
  httpCors({
    origins: [...allowedOrigins],
    credentials: true,
    methods,
    headers: 'content-type',
    maxAge: 600,
    // API Gateway answers preflight itself on AWS; the local server passes OPTIONS through to us.
    disableBeforePreflightResponse: false,
  });
