import type { MetricStream } from '../../src/ports.ts';

export interface WatchedStream {
  readonly stream: MetricStream;
  /** The last write failed, and none has succeeded since (for `/healthz`). */
  failing: boolean;
  lastError?: string;
}

/** The stream as the ingest use case sees it, remembering whether the last write failed. */
export function watchWrites(stream: MetricStream): WatchedStream {
  const watched: WatchedStream = {
    failing: false,
    stream: {
      async put(entries) {
        try {
          await stream.put(entries);
          watched.failing = false;
        } catch (error) {
          watched.failing = true;
          watched.lastError = (error as Error).message;
          throw error;
        }
      },
    },
  };
  return watched;
}
