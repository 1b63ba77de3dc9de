import { Worker } from 'node:worker_threads';
import type { QueryRequest } from './local-query.ts';

/** A query's answer as the pool gives it back: status, JSON body, and the headers to add. */
export interface PoolAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface QueryPoolOptions {
  /** The worker script (`.ts` runs through tsx, as `npm start` does). */
  workerPath: string;
  workerData: unknown;
  workers: number;
  /** Queries that may wait for a free worker; past it a query is answered 429 at once. */
  maxQueued: number;
  /** Queries one client (remote address) may have waiting or running at once; past it, 429 for that client only. */
  maxPerClient: number;
  /** A query running longer than this is answered 503 and its worker replaced. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface QueryPool {
  /** Answers a query for a client (its remote address, which the per-client share counts by). */
  handle(request: QueryRequest, client: string): Promise<PoolAnswer>;
  close(): Promise<void>;
}

interface Job {
  request: QueryRequest;
  resolve: (result: PoolAnswer) => void;
}

interface Slot {
  worker: Worker;
  job?: { id: number; resolve: Job['resolve']; timer: NodeJS.Timeout };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): PoolAnswer => ({ status, body, headers });

/**
 * Runs the query handler on worker threads. Decoding and merging a month of sketches took the
 * main thread for seconds, during which no beacon was answered (twenty one-hour queries at once
 * made beacon p50 five seconds). Here the main thread only posts the request; a bounded queue
 * answers 429 with retry-after past its size, so a burst of queries cannot pile up without end.
 */
export function startQueryPool(options: QueryPoolOptions): QueryPool {
  const log = options.log ?? (() => undefined);
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  /** Queries waiting or running per client. */
  const perClient = new Map<string, number>();
  const track = (client: string, delta: number) => {
    const n = (perClient.get(client) ?? 0) + delta;
    if (n > 0) perClient.set(client, n);
    else perClient.delete(client);
  };
  const execArgv = options.workerPath.endsWith('.ts') ? ['--import', 'tsx', '--disable-warning=ExperimentalWarning'] : [];

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(options.workerPath, { workerData: options.workerData, execArgv }) };
    slot.worker.on('message', (reply: { id: number; result?: PoolAnswer; error?: string }) => {
      if (slot.job?.id !== reply.id) return;
      if (reply.error !== undefined) log(`[query] failed: ${reply.error}`);
      finish(slot, reply.result ?? json(500, { error: 'internal_error', message: 'unexpected error answering the query; see the server log' }));
    });
    const replace = (reason: string) => {
      if (closed) return;
      log(`[query] worker ${reason}; starting another`);
      if (slot.job) finish(slot, json(503, { error: 'query_failed', message: 'the query worker stopped; retry' }, { 'retry-after': '1' }), false);
      const index = slots.indexOf(slot);
      if (index >= 0) slots[index] = spawn();
      dispatch();
    };
    slot.worker.on('error', (error) => replace(`failed: ${error.message}`));
    slot.worker.on('exit', (code) => replace(`exited with code ${code}`));
    return slot;
  };

  const finish = (slot: Slot, result: PoolAnswer, next = true) => {
    const job = slot.job!;
    clearTimeout(job.timer);
    slot.job = undefined;
    job.resolve(result);
    if (next) dispatch();
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.job || queue.length === 0) continue;
      const { request, resolve } = queue.shift()!;
      const id = nextId++;
      const timer = setTimeout(() => {
        resolve(
          json(503, { error: 'query_timeout', message: `the query took longer than ${options.timeoutMs / 1000} s; narrow the range or use a coarser step` }),
        );
        slot.job = undefined;
        void slot.worker.terminate();
      }, options.timeoutMs);
      slot.job = { id, resolve, timer };
      slot.worker.postMessage({ id, request });
    }
  };

  for (let i = 0; i < options.workers; i++) slots.push(spawn());

  return {
    handle: (request, client) =>
      new Promise((resolve) => {
        if (closed) return resolve(json(503, { error: 'shutting_down', message: 'the server is stopping' }));
        if ((perClient.get(client) ?? 0) >= options.maxPerClient) {
          return resolve(
            json(
              429,
              {
                error: 'too_many_queries',
                message: `this client already has ${options.maxPerClient} queries of this kind waiting or running; retry when one is answered`,
              },
              { 'retry-after': '1' },
            ),
          );
        }
        const busy = slots.every((slot) => slot.job);
        if (busy && queue.length >= options.maxQueued) {
          return resolve(
            json(429, { error: 'too_many_queries', message: `${queue.length} queries are already waiting; retry in a second` }, { 'retry-after': '1' }),
          );
        }
        track(client, 1);
        queue.push({
          request,
          resolve: (result) => {
            track(client, -1);
            resolve(result);
          },
        });
        dispatch();
      }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(json(503, { error: 'shutting_down', message: 'the server is stopping' }));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
