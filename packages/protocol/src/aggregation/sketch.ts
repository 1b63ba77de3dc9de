import { DDSketch } from '@datadog/sketches-js';

/** 1 % relative accuracy: every reported percentile is within 1 % of the true value at its rank. */
export const RELATIVE_ACCURACY = 0.01;

export const newSketch = (): DDSketch => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

const FORMAT_VERSION = 1;

/**
 * Serializes a sketch as sparse (bin index delta, count) varints. The library's protobuf form stores
 * every bin between the lowest and highest as an 8-byte double (5 KB for six values spread over
 * 0.05..3000), too big for a 2 KB Timestream measure; this form is a few hundred bytes.
 */
export function encodeSketch(sketch: DDSketch): Uint8Array {
  const out: number[] = [FORMAT_VERSION];
  writeUnsigned(out, Math.round(sketch.zeroCount));
  writeStore(out, sketch.store);
  writeStore(out, sketch.negativeStore);
  return Uint8Array.from(out);
}

export function decodeSketch(bytes: Uint8Array): DDSketch {
  const reader = { bytes, offset: 0 };
  const version = bytes[reader.offset++];
  if (version !== FORMAT_VERSION) throw new Error(`unknown sketch format version ${String(version)}`);
  const sketch = newSketch();
  const zeroCount = readUnsigned(reader);
  if (zeroCount > 0) sketch.accept(0, zeroCount);
  readStore(reader, (key, count) => sketch.accept(sketch.mapping.value(key), count));
  readStore(reader, (key, count) => sketch.accept(-sketch.mapping.value(key), count));
  if (reader.offset !== bytes.length) throw new Error('sketch bytes have trailing data');
  return sketch;
}

interface Store {
  bins: number[];
  offset: number;
}

function writeStore(out: number[], store: Store): void {
  const entries: [number, number][] = [];
  store.bins.forEach((count, i) => {
    if (count > 0) entries.push([i + store.offset, Math.round(count)]);
  });
  writeUnsigned(out, entries.length);
  let previous = 0;
  for (const [key, count] of entries) {
    writeUnsigned(out, zigzag(key - previous));
    writeUnsigned(out, count);
    previous = key;
  }
}

function readStore(reader: { bytes: Uint8Array; offset: number }, accept: (key: number, count: number) => void): void {
  const n = readUnsigned(reader);
  let key = 0;
  for (let i = 0; i < n; i++) {
    key += unzigzag(readUnsigned(reader));
    accept(key, readUnsigned(reader));
  }
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

function writeUnsigned(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readUnsigned(reader: { bytes: Uint8Array; offset: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (reader.offset >= reader.bytes.length) throw new Error('sketch bytes end mid-number');
    const byte = reader.bytes[reader.offset++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
    if (scale > 2 ** 56) throw new Error('sketch varint is too long');
  }
}
