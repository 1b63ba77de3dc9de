import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Refusal } from '@vitalstream/protocol';
import type { Logger } from '../../src/ports.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const refusalResponse = (refusal: Refusal): HttpResult =>
  jsonResponse(refusal.status, {
    error: refusal.error,
    message: refusal.message,
    ...(refusal.problems ? { problems: refusal.problems } : {}),
  });

/** Header lookup that tolerates API Gateway's lower-casing and a local server's raw names. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export const bodyBytes = (event: APIGatewayProxyEventV2): Buffer => Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');

/** Logging must never throw into a handler: a log that cannot be written (a full disk) is dropped. */
export const consoleLogger: Logger = {
  error: (message, detail) => {
    try {
      console.error(JSON.stringify({ level: 'error', message, ...detail }));
    } catch {
      // Nowhere left to report it.
    }
  },
};

/**
 * The last line of defence: an unexpected error becomes a JSON 500 that says what to do and
 * leaks no stack trace; the detail goes to the log.
 */
export function unexpectedErrorsAsJson(logger: Logger = consoleLogger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    name: 'unexpectedErrorsAsJson',
    onError: (request) => {
      const error = request.error;
      logger.error('unhandled error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      request.response = jsonResponse(500, { error: 'internal_error', message: 'the server failed to handle this request; it was not stored, retry later' });
    },
  };
}

/** Headers for a dashboard file: a strict same-origin policy, and caching by kind. */
export function dashboardFileHeaders(type: string): Record<string, string> {
  return {
    'content-type': type,
    // The page is tiny and must pick up new deployments; scripts may be cached a few minutes.
    'cache-control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=300',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  };
}
