import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger as PortLogger } from '../../src/ports.ts';

/**
 * Structured JSON logs on Lambda (Powertools Logger): every line carries the function, the
 * request id and whether this was a cold start, added by the middleware the entry point uses.
 */
export function lambdaLogger(serviceName: string): { logger: PortLogger; withContext: ReturnType<typeof injectLambdaContext> } {
  const powertools = new Logger({ serviceName });
  const logger: PortLogger = {
    error: (message, detail) => (detail ? powertools.error(message, detail) : powertools.error(message)),
    warn: (message, detail) => (detail ? powertools.warn(message, detail) : powertools.warn(message)),
  };
  return { logger, withContext: injectLambdaContext(powertools) };
}
