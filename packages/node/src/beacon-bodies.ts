import { METRICS, SDK_BEACON_BYTES as MAX_BEACON_BYTES, SDK_METRICS_PER_BEACON as MAX_METRICS_PER_BEACON } from '@vitalstream/protocol';
import type { ServerMetric } from './types.ts';

/**
 * Beacon bodies of at most 500 metrics and MAX_BEACON_BYTES bytes of UTF-8 (what the server
 * counts; a string's length counts UTF-16 units, and a tag in Cyrillic takes twice as many bytes).
 * A metric too big for any body is left out and counted in `tooBig`.
 */
export function toBodies(
  app: string,
  context: Record<string, string>,
  metrics: ServerMetric[],
): { bodies: { body: string; occurrences: number }[]; tooBig: number } {
  const bodies: { body: string; occurrences: number }[] = [];
  const head = `{"app":${JSON.stringify(app)},"context":${JSON.stringify(context)},"metrics":[`;
  const headBytes = Buffer.byteLength(head) + 2;
  let batch: string[] = [];
  let size = headBytes;
  let occurrences = 0;
  let tooBig = 0;
  const emit = () => {
    if (batch.length) bodies.push({ body: `${head}${batch.join(',')}]}`, occurrences });
    batch = [];
    size = headBytes;
    occurrences = 0;
  };
  for (const metric of metrics) {
    const json = JSON.stringify(metric, withoutRegistryDefaults);
    const bytes = Buffer.byteLength(json) + 1;
    if (headBytes + bytes > MAX_BEACON_BYTES) {
      tooBig += metric.count ?? 1;
      continue;
    }
    if (batch.length === MAX_METRICS_PER_BEACON || size + bytes > MAX_BEACON_BYTES) emit();
    batch.push(json);
    size += bytes;
    occurrences += metric.count ?? 1;
  }
  emit();
  return { bodies, tooBig };
}

/** The registry already knows a registered metric's unit and source: leaving them out cuts beacon bytes by a fifth. */
function withoutRegistryDefaults(this: unknown, key: string, value: unknown): unknown {
  if ((key === 'unit' || key === 'source') && this && typeof this === 'object') {
    const known = METRICS.get((this as ServerMetric).name);
    if (known && (known as unknown as Record<string, unknown>)[key] === value) return undefined;
  }
  return value;
}
