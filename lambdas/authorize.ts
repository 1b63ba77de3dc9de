import { timingSafeEqual, createHash } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';

export interface AuthorizerDependencies {
  /** The current query token (cached by the caller). */
  token: () => Promise<string>;
}

/**
 * HTTP API Lambda authorizer for the query routes: `Authorization: Bearer <token>`, compared in
 * constant time. The beacon route stays public: browsers cannot hold a secret.
 */
export function createAuthorizer(deps: AuthorizerDependencies) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!presented) return { isAuthorized: false };
    return { isAuthorized: sameSecret(presented, await deps.token()) };
  };
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first makes the comparison length-independent, so timing reveals nothing.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return b.length > 0 && timingSafeEqual(digest(a), digest(b));
}
