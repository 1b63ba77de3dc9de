import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';
import { authorizeQuery } from '../src/app/authorize.ts';

export interface AuthorizerDependencies {
  /** The current query token (cached by the caller). */
  token: () => Promise<string>;
}

/** HTTP API Lambda authorizer for the query routes: the authorize use case on the request's header. */
export function createAuthorizer(deps: AuthorizerDependencies) {
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0];
    return { isAuthorized: await authorizeQuery(header, deps.token) };
  };
}
