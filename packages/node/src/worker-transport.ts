import { Worker } from 'node:worker_threads';
import type { Transport, TransportAnswer } from './types.ts';

interface Reply {
  id: number;
  status?: number;
  body?: string;
  error?: string;
}

interface Pending {
  resolve: (answer: TransportAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One worker thread sends the beacons of every monitor in the process. Sending from the host's
 * own thread loads the HTTP client into the host's isolate, where it shares the socket and stream
 * code with the host's server; in a hello-world app that measurably cost throughput. The worker
 * holds the event loop open only while a send is in flight.
 */
class SendWorker {
  private worker: Worker | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 0;

  send(endpoint: string, body: string, timeoutMs: number, signal?: AbortSignal): Promise<TransportAnswer> {
    if (signal?.aborted) return Promise.reject(new Error('beacon send aborted'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<TransportAnswer>((resolve, reject) => {
      // Given up on (the monitor's shutdown deadline): the worker drops the request, so nothing holds the process open.
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.has(id)) return;
          worker.postMessage({ cancel: id });
          this.settle({ id, error: 'beacon send aborted' });
        },
        { once: true },
      );
      // The worker aborts its own request at timeoutMs; this covers a worker that stops answering.
      const timer = setTimeout(() => this.settle({ id, error: `beacon send timed out after ${timeoutMs + 1000} ms` }), timeoutMs + 1000);
      timer.unref();
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, endpoint, body, timeoutMs });
    });
  }

  private start(): Worker {
    // No execArgv: the sender needs none of the host's flags, and some break a worker (--input-type,
    // or an --import that would load the host's loaders and agents a second time).
    const worker = new Worker(new URL('./send-worker.mjs', import.meta.url), { name: 'vitalstream-sender', execArgv: [] });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    const fail = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const id of [...this.pending.keys()]) this.settle({ id, error: reason });
    };
    worker.on('error', (error) => fail(`beacon sender failed: ${error.message}`));
    worker.on('exit', (code) => fail(`beacon sender exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.error !== undefined) waiting.reject(new Error(reply.error));
    else waiting.resolve({ status: reply.status!, ...(reply.body !== undefined ? { body: reply.body } : {}) });
  }
}

let sender: SendWorker | undefined;

/** POSTs beacons to `endpoint` from a worker thread; resolves with the HTTP status (and a 202's body) or rejects on a network error. */
export function workerTransport(endpoint: string, timeoutMs = 10_000): Transport {
  return (body, signal) => (sender ??= new SendWorker()).send(endpoint, body, timeoutMs, signal);
}
