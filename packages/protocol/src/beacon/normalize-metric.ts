import { CUSTOM_METRIC_MAX_DIMENSIONS, CUSTOM_METRIC_NAME, RESERVED_DIMENSIONS, UNIT_DIMENSION, findMetric } from '../registry/metrics.ts';
import type { MetricSource, MetricUnit } from '../registry/metric-definition.ts';
import type { StreamMetric } from '../stream/record.ts';
import { routeTemplate } from './route-template.ts';
import { readTimestamp } from './timestamp.ts';

/** A metric that already passed the JSON Schema. */
export interface RawMetric {
  name: string;
  value: number;
  count?: number;
  unit?: MetricUnit;
  timestamp?: number | string;
  source?: MetricSource;
  tags?: Record<string, string | number | boolean>;
}

export const MAX_DIMENSION_VALUE_LENGTH = 128;
/** Tags whose values are paths or URLs and are folded like pages, so ids do not become series. */
const PATH_TAGS = new Set(['endpoint', 'lcp_resource', 'blocking_script']);

export type NormalizedMetric = { ok: true; metric: StreamMetric } | { ok: false; reasons: string[] };

/** Checks one metric against the registry and reduces it to what is stored. */
export function normalizeMetric(raw: RawMetric, receivedAt: number): NormalizedMetric {
  const definition = findMetric(raw.name, raw.unit);
  if (!definition) {
    const reason = CUSTOM_METRIC_NAME.test(raw.name)
      ? `custom metric '${raw.name}' must declare a unit`
      : `unknown metric '${raw.name}'; custom metrics must be named custom_<name> and declare a unit`;
    return { ok: false, reasons: [reason] };
  }
  const reasons: string[] = [];
  if (raw.unit !== undefined && raw.unit !== definition.unit) {
    reasons.push(`unit '${raw.unit}' does not match ${raw.name}'s unit '${definition.unit}'`);
  }
  if (!Number.isFinite(raw.value)) reasons.push('value must be a finite number');
  else if (raw.value < definition.min) reasons.push(`value ${raw.value} is below ${raw.name}'s minimum ${definition.min}`);
  else if (raw.value > definition.max) reasons.push(`value ${raw.value} is above ${raw.name}'s maximum ${definition.max}`);

  const time = readTimestamp(raw.timestamp, receivedAt);
  if (!time.ok) reasons.push(time.reason);

  const isCustom = CUSTOM_METRIC_NAME.test(raw.name);
  const dimensionKeys = new Set(definition.dimensions);
  const allowedKeys = new Set(definition.tags);
  const dimensions: Record<string, string> = {};
  const tags = Object.entries(raw.tags ?? {});
  if (isCustom && tags.length > CUSTOM_METRIC_MAX_DIMENSIONS) {
    reasons.push(`custom metrics may carry at most ${CUSTOM_METRIC_MAX_DIMENSIONS} tags (each becomes a dimension); got ${tags.length}`);
  }
  for (const [key, rawValue] of tags) {
    if (RESERVED_DIMENSIONS.has(key)) {
      reasons.push(`tag '${key}' is not allowed: ${key} is set by the server from the beacon, never by a tag`);
      continue;
    }
    if (!isCustom && !allowedKeys.has(key)) {
      reasons.push(
        `tag '${key}' is not registered for ${raw.name}${definition.tags.length ? ` (allowed: ${definition.tags.join(', ')})` : ' (it takes no tags)'}`,
      );
      continue;
    }
    if (!isCustom && !dimensionKeys.has(key)) continue; // accepted, but not a stored dimension
    if (!/^[a-z][a-z0-9_]*$/.test(key)) {
      reasons.push(`tag '${key}' cannot be a dimension: use lower-case snake_case`);
      continue;
    }
    const text = String(rawValue).trim();
    const clean = definition.cleanTags?.[key];
    const value = PATH_TAGS.has(key) ? routeTemplate(text) : clean ? clean(text) : text;
    if (value.length > MAX_DIMENSION_VALUE_LENGTH) {
      reasons.push(`tag '${key}' is ${value.length} characters; dimension values are limited to ${MAX_DIMENSION_VALUE_LENGTH}`);
      continue;
    }
    if (value.length > 0) dimensions[key] = value;
  }
  if (reasons.length > 0 || !time.ok) return { ok: false, reasons };
  if (isCustom) dimensions[UNIT_DIMENSION] = definition.unit;
  return {
    ok: true,
    metric: {
      name: raw.name,
      value: raw.value,
      timestamp: time.epochMs,
      source: raw.source ?? definition.source,
      dimensions,
      ...(raw.count !== undefined && raw.count > 1 ? { count: raw.count } : {}),
    },
  };
}
