// The dashboard reads only the query API, from the origin that served it (locally `npm start`,
// on AWS the same HTTP API), with the bearer token the AWS deployment asks for.
const TOKEN_KEY = 'vitalstream.token';

export class TokenRequired extends Error {}

/** The server's hints on empty answers (a filter on a raw path, which pages are not stored by), kept until read. */
const hints = new Set();
export const takeHints = () => {
  const taken = [...hints];
  hints.clear();
  return taken;
};

export async function api(path, params = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  const response = await fetch(`${path}?${new URLSearchParams(params)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401 || response.status === 403) throw new TokenRequired(`${path}: the query API wants a token`);
  if (!response.ok) throw new Error(`${path}: ${(await response.json().catch(() => ({}))).message ?? response.status}`);
  const body = await response.json();
  if (body.hint) hints.add(body.hint);
  return body;
}

export const saveToken = (token) => localStorage.setItem(TOKEN_KEY, token.trim());
