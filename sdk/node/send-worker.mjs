// @ts-check
// The server SDK's beacon sender, run in a worker thread (see worker-transport.ts). Plain
// JavaScript on purpose: a worker loads its file by itself, and this one must load the same way
// under tsx, vitest, a TypeScript build or plain Node, without a loader.
import { parentPort } from 'node:worker_threads';

/** Requests in flight by id, so the host can cancel one it has given up on. */
const inFlight = new Map();

/** @param {{ id: number, endpoint: string, body: string, timeoutMs: number }} message */
async function send({ id, endpoint, body, timeoutMs }) {
  const cancel = new AbortController();
  inFlight.set(id, cancel);
  try {
    const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(timeoutMs)]);
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
    await response.arrayBuffer();
    parentPort?.postMessage({ id, status: response.status });
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
