import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSketch, encodeSketch, newSketch } from '@vitalstream/protocol/sketch';

const QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

describe('sketch codec', () => {
  it('round-trips any sketch to one that answers every quantile the same', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e9, noNaN: true }), fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        (values) => {
          const sketch = newSketch();
          for (const v of values) sketch.accept(v);
          const decoded = decodeSketch(encodeSketch(sketch));
          expect(decoded.count).toBe(sketch.count);
          for (const q of QUANTILES) expect(decoded.getValueAtQuantile(q)).toBe(sketch.getValueAtQuantile(q));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is far smaller than the library protobuf for a typical minute of latencies', () => {
    const sketch = newSketch();
    for (let i = 0; i < 500; i++) sketch.accept(50 + ((i * 7919) % 4000));
    const compact = encodeSketch(sketch).byteLength;
    const proto = sketch.toProto().byteLength;
    expect(compact).toBeLessThan(1024);
    expect(compact * 4).toBeLessThan(proto);
  });

  it('refuses corrupt bytes instead of inventing data', () => {
    const bytes = encodeSketch(newSketch());
    expect(() => decodeSketch(Uint8Array.from([9, ...bytes.slice(1)]))).toThrow(/version/);
    expect(() => decodeSketch(Uint8Array.from([1, 0x80]))).toThrow(/mid-number/);
    expect(() => decodeSketch(Uint8Array.from([...bytes, 0]))).toThrow(/trailing/);
  });
});
