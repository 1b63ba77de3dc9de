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
    // The body of a 202 names the metrics the endpoint refused; anything else is only read to its end.
    const text = await response.text();
    parentPort?.postMessage({ id, status: response.status, body: response.status === 202 ? text.slice(0, 65_536) : undefined });
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
