/** The largest beacon body the endpoint reads (64 KiB); a larger one is refused with 413. */
export const MAX_BEACON_BYTES = 64 * 1024;

/**
 * How large the SDKs make a beacon at most: under the endpoint's limit with room to spare, and
 * under the 64 KiB that browsers share across every keepalive request in flight.
 */
export const SDK_BEACON_BYTES = 60_000;

/** Metrics in one beacon the SDKs send at most. */
export const SDK_METRICS_PER_BEACON = 500;
