/** Doubles as little-endian float64 bytes in base64: exact, and under half the size of their JSON. */
export const encodeFloat64s = (values: readonly number[]): string => Buffer.from(Float64Array.from(values).buffer).toString('base64');

export function decodeFloat64s(base64: string, length: number): number[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== length * 8) throw new Error(`expected ${length} float64s, found ${bytes.length} bytes`);
  return [...new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))];
}
