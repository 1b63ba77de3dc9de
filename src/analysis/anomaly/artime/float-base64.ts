/**
 * Floats as their little-endian bytes in base64: exact, and about a third of their JSON size.
 * 32-bit where a state is kept for each of many series, 64-bit where a value must come back to the bit.
 */
export type FloatBits = 32 | 64;

export const encodeFloats = (values: ArrayLike<number>, bits: FloatBits): string =>
  Buffer.from((bits === 32 ? Float32Array.from(values) : Float64Array.from(values)).buffer).toString('base64');

/** The floats a string holds; throws when it is not a whole number of them (a damaged state). */
export function decodeFloats(base64: string, bits: FloatBits): Float32Array | Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % (bits / 8) !== 0) throw new Error(`${bytes.length} bytes are not whole float${bits}s`);
  // A copy: a decoded Buffer may sit at an offset a typed array cannot start at.
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return bits === 32 ? new Float32Array(buffer) : new Float64Array(buffer);
}

export const encodeFloat64s = (values: readonly number[]): string => encodeFloats(values, 64);

export function decodeFloat64s(base64: string, length: number): number[] {
  const values = decodeFloats(base64, 64);
  if (values.length !== length) throw new Error(`expected ${length} float64s, found ${values.length}`);
  return [...values];
}
