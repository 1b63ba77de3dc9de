export interface StreamEntry {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/** Kinesis on AWS, an fsync'd SQLite log locally. `put` resolves only once every entry is durable. */
export interface MetricStream {
  put(entries: readonly StreamEntry[]): Promise<void>;
}
