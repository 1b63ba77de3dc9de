import { formatPath, MAX_BEACON_BYTES, refuse, type Problem, type Result } from '@vitalstream/protocol';

export { MAX_BEACON_BYTES };
/** The deepest a valid beacon goes is body > metrics > item > tags > value (4); anything far deeper is an attack. */
export const MAX_JSON_DEPTH = 8;
const ACCEPTED_MEDIA_TYPES = new Set(['application/json', 'text/plain']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Turns raw request bytes into a JSON value, or a refusal that names the problem.
 * sendBeacon posts strings as text/plain (a CORS "simple" request, no preflight), so both types are JSON here.
 */
export function parseBeaconBody(body: Uint8Array | string, contentType: string | undefined): Result<unknown> {
  const mediaType = mediaTypeOf(contentType);
  if (!ACCEPTED_MEDIA_TYPES.has(mediaType)) {
    return refuse(
      415,
      'unsupported_media_type',
      `content-type ${mediaType ? `'${mediaType}'` : '(missing)'} is not accepted; send application/json or text/plain`,
    );
  }
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (bytes > MAX_BEACON_BYTES) {
    return refuse(413, 'payload_too_large', `body is ${bytes} bytes; the limit is ${MAX_BEACON_BYTES} bytes (64 KiB): split the batch`);
  }
  if (bytes === 0) return refuse(400, 'invalid_json', 'body is empty; expected a JSON beacon object');
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: false }).decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  const problems = findHostileStructure(value);
  if (problems.length > 0) {
    return refuse(400, 'invalid_beacon', `beacon refused: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`, problems);
  }
  return { ok: true, value };
}

/**
 * Walks the parsed value without recursion (so no input can exhaust the stack) and reports
 * nesting beyond MAX_JSON_DEPTH and keys that could pollute prototypes downstream.
 */
export function findHostileStructure(root: unknown): Problem[] {
  const problems: Problem[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && problems.length < 20) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) {
      problems.push({ path: formatPath(path), reason: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) stack.push({ value: item, path: [...path, index] });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({ path: formatPath([...path, key]), reason: `key '${key}' is not allowed` });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return problems;
}
