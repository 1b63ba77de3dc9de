import { once } from 'node:events';
import { createGzip } from 'node:zlib';

/** Gzips text as its chunks come, so the whole text never exists at once (only its compressed form). */
export async function gzipChunks(chunks: Iterable<string>): Promise<Buffer> {
  const gzip = createGzip();
  const compressed: Buffer[] = [];
  gzip.on('data', (bytes: Buffer) => compressed.push(bytes));
  const ended = once(gzip, 'end');
  for (const chunk of chunks) if (!gzip.write(chunk)) await once(gzip, 'drain');
  gzip.end();
  await ended;
  return Buffer.concat(compressed);
}
