import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAuthorizer } from '../authorize.ts';
import { required } from './environment.ts';

const client = new SecretsManagerClient({});
const secretId = required('QUERY_TOKEN_SECRET_ARN');
const CACHE_MS = 5 * 60 * 1000;
let cached: { token: string; until: number } | undefined;

export const handler = createAuthorizer({
  async token() {
    if (cached && cached.until > Date.now()) return cached.token;
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    cached = { token: response.SecretString ?? '', until: Date.now() + CACHE_MS };
    return cached.token;
  },
});
