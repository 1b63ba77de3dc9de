import { describe, expect, it } from 'vitest';
import { MAX_BEACON_BYTES, parseBeaconBody } from '../../../src/beacon/parse-body.ts';

describe('parseBeaconBody', () => {
  it('accepts JSON sent as application/json and as sendBeacon text/plain', () => {
    expect(parseBeaconBody('{"app":"a"}', 'application/json')).toEqual({ ok: true, value: { app: 'a' } });
    expect(parseBeaconBody('{"app":"a"}', 'text/plain;charset=UTF-8')).toEqual({ ok: true, value: { app: 'a' } });
  });

  it('refuses other or missing content types with 415', () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const result = parseBeaconBody('{}', type);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.refusal.status).toBe(415);
        expect(result.refusal.message).toMatch(/application\/json or text\/plain/);
      }
    }
  });

  it('refuses bodies over 64 KiB with 413 and under it parses', () => {
    const padding = 'x'.repeat(MAX_BEACON_BYTES - 20);
    expect(parseBeaconBody(`{"p":"${padding}"}`, 'application/json').ok).toBe(true);
    const result = parseBeaconBody(`{"p":"${padding}${'y'.repeat(20)}"}`, 'application/json');
    expect(result.ok ? 0 : result.refusal.status).toBe(413);
  });

  it('names the JSON syntax error', () => {
    const result = parseBeaconBody('{"app": "a",', 'application/json');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.status).toBe(400);
      expect(result.refusal.message).toMatch(/not valid JSON/);
    }
  });

  it('refuses empty bodies', () => {
    const result = parseBeaconBody('', 'application/json');
    expect(result.ok ? '' : result.refusal.message).toMatch(/empty/);
  });

  it('refuses prototype-pollution keys wherever they hide', () => {
    const result = parseBeaconBody('{"app":"a","metrics":[{"name":"x","tags":{"__proto__":{"polluted":true}}}]}', 'application/json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.problems).toEqual([{ path: 'metrics[0].tags.__proto__', reason: "key '__proto__' is not allowed" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const constructorKey = parseBeaconBody('{"constructor":{"prototype":{}}}', 'application/json');
    expect(constructorKey.ok).toBe(false);
  });

  it('refuses deep nesting without exhausting the stack, even at the size limit', () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const result = parseBeaconBody(deep, 'application/json');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.status).toBe(400);
      expect(result.refusal.message).toMatch(/nested deeper than 8 levels/);
    }
  });

  it('decodes bytes as UTF-8', () => {
    const result = parseBeaconBody(Buffer.from('{"page":"/caf\u00e9"}'), 'application/json');
    expect(result).toEqual({ ok: true, value: { page: '/café' } });
  });
});
