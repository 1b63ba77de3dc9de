import { errorFingerprint, errorType } from '../beacon/error-fingerprint.ts';
import { MAX_VALUE_MAGNITUDE, type MetricDefinition, type MetricSource, type MetricUnit, type RatingThresholds } from './metric-definition.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TB = 1e12;

/**
 * Dimensions every metric gets from the beacon envelope, whatever its tags: the release and the
 * connection the page reports, and the browser family the ingest derives from the request.
 */
export const ENVELOPE_DIMENSIONS = ['app', 'source', 'page', 'device', 'release', 'connection', 'browser'] as const;

/** A custom metric's unit is stored as a dimension, so one name sent in two units stays two series. */
export const UNIT_DIMENSION = 'unit';

/**
 * Dimensions the server sets and no tag may: a custom metric's tags become dimensions, and a tag
 * `app=victim` once filed an attacker's metrics under another app.
 */
export const RESERVED_DIMENSIONS: ReadonlySet<string> = new Set([...ENVELOPE_DIMENSIONS, UNIT_DIMENSION]);

export const CUSTOM_METRIC_MAX_DIMENSIONS = 5;

interface Spec {
  unit: MetricUnit;
  source: MetricSource;
  description: string;
  min?: number;
  max?: number;
  rating?: RatingThresholds;
  dimensions?: string[];
  /** Accepted but not stored: identifiers that would explode cardinality or are only useful on the client. */
  extraTags?: string[];
  cleanTags?: Record<string, (value: string) => string>;
}

const ms = (source: MetricSource, description: string, rest: Partial<Spec> = {}): Spec => ({
  unit: 'ms',
  source,
  description,
  min: 0,
  max: DAY_MS,
  ...rest,
});

const webVital = (description: string, rating: RatingThresholds, attribution: string[], unit: MetricUnit = 'ms'): Spec => ({
  unit,
  source: 'browser',
  description,
  min: 0,
  max: unit === 'ms' ? HOUR_MS : 100,
  rating,
  dimensions: ['navigation_type', ...attribution],
  extraTags: ['vital_type', 'rating', 'delta', 'id', 'load_state'],
});

const SPECS: Record<string, Spec> = {
  // Core Web Vitals. Thresholds are web-vitals' own; INP replaced FID as a Core Web Vital in March 2024.
  web_vitals_lcp: webVital('Largest Contentful Paint', { good: 2500, poor: 4000 }, ['lcp_element', 'lcp_resource_type']),
  web_vitals_inp: webVital('Interaction to Next Paint', { good: 200, poor: 500 }, ['inp_target', 'interaction_type', 'inp_phase', 'inp_script', 'inp_invoker']),
  web_vitals_cls: webVital('Cumulative Layout Shift', { good: 0.1, poor: 0.25 }, ['cls_target'], 'score'),
  web_vitals_fcp: webVital('First Contentful Paint', { good: 1800, poor: 3000 }, []),
  lcp_part: ms(
    'browser',
    "A load's LCP in four parts (time to first byte, resource load delay, resource load duration, element render delay); they add up to the LCP",
    {
      dimensions: ['part'],
    },
  ),
  slow_vital: ms('browser', 'A vital rated worse than good (INP, LCP or TTFB), by which vital: the count that slow_vital_endpoint shares are of', {
    max: HOUR_MS,
    dimensions: ['vital'],
  }),
  slow_vital_endpoint: ms(
    'browser',
    "The server's own time (its Server-Timing app entry) for an endpoint a slow vital waited on: the document's for LCP and TTFB, requests an interaction started and awaited before its next paint for INP",
    { max: HOUR_MS, dimensions: ['vital', 'method', 'endpoint'] },
  ),
  web_vitals_ttfb: webVital('Time to First Byte', { good: 800, poor: 1800 }, []),
  // Kept so older collectors that still send FID are not refused; web-vitals v5 no longer reports it.
  web_vitals_fid: webVital('First Input Delay (legacy, superseded by INP)', { good: 100, poor: 300 }, []),

  resource_timing: ms('browser', 'Duration of one resource fetch', {
    dimensions: ['resource_type', 'initiator_type', 'cached'],
    extraTags: ['resource_name'],
  }),
  resource_transfer_size: {
    unit: 'bytes',
    source: 'browser',
    description: 'Bytes a resource fetch put on the wire (0 when cached)',
    min: 0,
    max: TB,
    dimensions: ['resource_type', 'cached'],
  },
  resource_decoded_size: {
    unit: 'bytes',
    source: 'browser',
    description: 'Decoded body size of a resource',
    min: 0,
    max: TB,
    dimensions: ['resource_type'],
  },
  navigation_timing: ms('browser', 'A phase of the page navigation (dns, tcp, tls, request, response, dom, load)', {
    dimensions: ['phase', 'navigation_type'],
  }),
  long_task: ms('browser', 'Main-thread task longer than 50 ms', {
    dimensions: ['attribution'],
    extraTags: ['task_type'],
  }),
  long_animation_frame: ms('browser', 'Long Animation Frame and the script that blocked it', {
    dimensions: ['blocking_script', 'invoker_type'],
  }),
  user_interaction: ms('browser', 'Event processing time of a user interaction', {
    dimensions: ['interaction_type', 'target'],
    extraTags: ['interactionId', 'interaction_id'],
  }),
  rage_click: {
    unit: 'count',
    source: 'browser',
    description: 'Three or more clicks on the same target within one second',
    min: 1,
    max: 1000,
    dimensions: ['target'],
  },
  server_timing: ms('browser', 'A Server-Timing entry of the page or of a same-origin resource, as the browser received it', {
    dimensions: ['name'],
  }),
  js_error: {
    unit: 'count',
    source: 'browser',
    description: 'An uncaught error or unhandled promise rejection in the page',
    min: 1,
    max: 1000,
    dimensions: ['error_type', 'fingerprint'],
    // A message may carry user data: only its fingerprint is ever stored, whoever sent the tag.
    cleanTags: { fingerprint: errorFingerprint, error_type: errorType },
  },
  back_forward_navigation: {
    unit: 'count',
    source: 'browser',
    description: 'A back or forward navigation to the page, restored from the back/forward cache (restored=yes) or loaded anew (no)',
    min: 1,
    max: 1,
    dimensions: ['restored'],
    cleanTags: { restored: (value) => (value === 'yes' ? 'yes' : 'no') },
  },
  bfcache_blocked: {
    unit: 'count',
    source: 'browser',
    description:
      'A reason the browser gave (notRestoredReasons) for loading a back or forward navigation anew instead of restoring it from the back/forward cache',
    min: 1,
    max: 1,
    dimensions: ['reason'],
    // The browser's reasons are short kebab-case names; anything else is not one of them.
    cleanTags: { reason: (value) => (/^[a-z0-9-]{1,64}$/.test(value) ? value : 'other') },
  },
  user_experience_score: {
    unit: 'score',
    source: 'browser',
    description: 'Composite user-experience score (0-100)',
    min: 0,
    max: 100,
    dimensions: ['score_type'],
  },

  api_request: ms('server', 'Server-side duration of one HTTP request', {
    dimensions: ['method', 'endpoint', 'status_code', 'status_class', 'user_tier'],
    extraTags: ['slow'],
  }),
  api_request_size: {
    unit: 'bytes',
    source: 'server',
    description: 'HTTP request body size',
    min: 0,
    max: TB,
    dimensions: ['method', 'endpoint'],
  },
  api_response_size: {
    unit: 'bytes',
    source: 'server',
    description: 'HTTP response body size',
    min: 0,
    max: TB,
    dimensions: ['method', 'endpoint', 'status_class'],
  },
  memory_rss: memory('Resident set size'),
  memory_heap_total: memory('V8 heap allocated'),
  memory_heap_used: memory('V8 heap in use'),
  memory_external: memory('Memory of C++ objects bound to JavaScript'),
  memory_array_buffers: memory('Memory of ArrayBuffers and SharedArrayBuffers'),
  cpu_usage: {
    unit: '%',
    source: 'system',
    description: 'Process CPU time as a percentage of one core over the interval',
    min: 0,
    max: 25_600,
    dimensions: [],
    extraTags: ['process_id'],
  },
  event_loop_delay: ms('system', 'Event-loop delay percentile over the interval', {
    max: HOUR_MS,
    dimensions: ['percentile'],
    extraTags: ['process_id'],
  }),

  database_query: ms('database', 'Duration of one database query', {
    dimensions: ['query_type', 'table', 'status', 'error_code', 'database', 'connection', 'fingerprint', 'slow'],
    extraTags: ['rows'],
  }),
  connection_pool_total: pool('Connections the pool holds'),
  connection_pool_idle: pool('Idle connections in the pool'),
  connection_pool_waiting: pool('Clients waiting for a connection'),
  connection_pool_max: pool('The most connections the pool may open (its configured limit)'),
  cache_hit_rate: {
    unit: 'rate',
    source: 'server',
    description: 'Share of cache lookups that hit (0-1)',
    min: 0,
    max: 1,
    dimensions: ['cache', 'key_prefix'],
  },

  cache_command: ms('server', 'Duration of one cache command, from the client sending it to its reply (node-redis)', {
    dimensions: ['cache', 'command', 'status'],
  }),

  external_api_call: ms('external_api', 'Duration of one outgoing call to a third-party API', {
    dimensions: ['service', 'endpoint', 'method', 'status_code', 'status_class', 'status', 'error_type'],
  }),
  sla_compliance: {
    unit: 'score',
    source: 'external_api',
    description: '1 when a call met its service SLA target, else 0',
    min: 0,
    max: 1,
    dimensions: ['service', 'metric_type'],
    extraTags: ['target'],
  },
  sdk_dropped_metrics: {
    unit: 'count',
    source: 'system',
    description: 'Metrics a server SDK dropped because its buffer was full',
    min: 0,
    max: 1e9,
    dimensions: [],
  },
  circuit_breaker_transition: {
    unit: 'count',
    source: 'server',
    description: 'A circuit breaker changed state',
    min: 0,
    max: 1_000_000,
    dimensions: ['service', 'state'],
  },
};

function memory(description: string): Spec {
  return { unit: 'bytes', source: 'system', description, min: 0, max: TB, dimensions: ['memory_type'], extraTags: ['process_id'] };
}

function pool(description: string): Spec {
  return {
    unit: 'count',
    source: 'database',
    description,
    min: 0,
    max: 1_000_000,
    dimensions: ['pool_type', 'database', 'pool'],
  };
}

function toDefinition(name: string, spec: Spec): MetricDefinition {
  const dimensions = spec.dimensions ?? [];
  return {
    name,
    unit: spec.unit,
    source: spec.source,
    description: spec.description,
    min: spec.min ?? 0,
    max: Math.min(spec.max ?? MAX_VALUE_MAGNITUDE, MAX_VALUE_MAGNITUDE),
    ...(spec.rating ? { rating: spec.rating } : {}),
    tags: [...dimensions, ...(spec.extraTags ?? [])],
    ...(spec.cleanTags ? { cleanTags: spec.cleanTags } : {}),
    dimensions,
  };
}

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(Object.entries(SPECS).map(([name, spec]) => [name, toDefinition(name, spec)]));

const FUNCTION_FAMILY = toDefinition(
  'function_*',
  ms('server', 'Duration of a tracked function', {
    dimensions: ['function_name', 'status', 'error_type'],
  }),
);

export const CUSTOM_METRIC_NAME = /^custom_[a-z0-9_]{1,64}$/;
const FAMILY_NAME = /^function_[a-z0-9_]{1,64}$/;

/**
 * Looks a metric up by name. Custom metrics have no fixed unit, so the caller passes
 * the unit the client declared; they may be negative (a temperature, a balance delta).
 */
export function findMetric(name: string, declaredUnit?: MetricUnit): MetricDefinition | undefined {
  const known = METRICS.get(name);
  if (known) return known;
  if (FAMILY_NAME.test(name)) return { ...FUNCTION_FAMILY, name };
  if (CUSTOM_METRIC_NAME.test(name) && declaredUnit) {
    return {
      name,
      unit: declaredUnit,
      source: 'server',
      description: 'Custom metric',
      min: -MAX_VALUE_MAGNITUDE,
      max: MAX_VALUE_MAGNITUDE,
      tags: [],
      dimensions: [],
    };
  }
  return undefined;
}

/** Dimension keys a query may filter or group a metric by. */
export function dimensionsOf(definition: MetricDefinition): readonly string[] {
  return [...ENVELOPE_DIMENSIONS, ...definition.dimensions];
}
