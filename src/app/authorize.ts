import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries the query token: `Bearer <token>`, compared in
 * constant time. The beacon route never asks: browsers cannot hold a secret.
 */
export async function authorizeQuery(authorization: string | undefined, currentToken: () => Promise<string>): Promise<boolean> {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!presented) return false;
  return sameSecret(presented, await currentToken());
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first makes the comparison length-independent, so timing reveals nothing.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return b.length > 0 && timingSafeEqual(digest(a), digest(b));
}
