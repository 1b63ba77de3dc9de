import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../lambdas/authorize.ts';

const event = (authorization?: string) =>
  ({
    type: 'REQUEST',
    routeArn: 'arn',
    identitySource: authorization ? [authorization] : [],
    routeKey: 'GET /v1/{proxy+}',
    rawPath: '/v1/aggregates',
    rawQueryString: '',
    headers: authorization ? { authorization } : {},
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

describe('query token authorizer', () => {
  const authorize = createAuthorizer({ token: async () => 's3cret-token-0123456789' });

  it('lets a request with the right bearer token through', async () => {
    expect(await authorize(event('Bearer s3cret-token-0123456789'))).toEqual({ isAuthorized: true });
    expect(await authorize(event('bearer s3cret-token-0123456789'))).toEqual({ isAuthorized: true });
  });

  it.each([undefined, 'Bearer wrong', 'Bearer s3cret-token-012345678', 'Basic czNjcmV0', 's3cret-token-0123456789', 'Bearer '])(
    'refuses %s',
    async (header) => {
      expect(await authorize(event(header))).toEqual({ isAuthorized: false });
    },
  );

  it('refuses everything while the secret is empty', async () => {
    expect(await createAuthorizer({ token: async () => '' })(event('Bearer '))).toEqual({ isAuthorized: false });
  });
});
