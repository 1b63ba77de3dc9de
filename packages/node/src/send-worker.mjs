// @ts-check
// The server SDK's beacon sender, run in a worker thread (see worker-transport.ts). Plain
// JavaScript on purpose: a worker loads its file by itself, and this one must load the same way
// under tsx, vitest, a TypeScript build or plain Node, without a loader.
import { parentPort } from 'node:worker_threads';

const MAX_ANSWER_BYTES = 65_536;

/**
 * The first `limit` bytes of a response body as text; the rest is cancelled unread.
 * @param {Response} response @param {number} limit @returns {Promise<string>}
 */
async function readAtMost(response, limit) {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, limit - size));
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Requests in flight by id, so the host can cancel one it has given up on. */
const inFlight = new Map();

/** @param {{ id: number, endpoint: string, body: string, timeoutMs: number }} message */
async function send({ id, endpoint, body, timeoutMs }) {
  const cancel = new AbortController();
  inFlight.set(id, cancel);
  try {
    const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(timeoutMs)]);
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
    // The body of a 202 names the metrics the endpoint refused, in far less than 64 KiB; nothing else
    // is read. A collector that answers with an endless body must not grow the host's memory.
    const text = response.status === 202 ? await readAtMost(response, MAX_ANSWER_BYTES) : (await response.body?.cancel(), undefined);
    parentPort?.postMessage({ id, status: response.status, body: text });
  } catch (error) {
    const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause;
    const reason = cause?.code ?? (error instanceof Error ? error.name : 'Error');
    parentPort?.postMessage({ id, error: `beacon send failed: ${reason}` });
  } finally {
    inFlight.delete(id);
  }
}

parentPort?.on('message', (message) => {
  if (typeof message.cancel === 'number') inFlight.get(message.cancel)?.abort();
  else void send(message);
});
