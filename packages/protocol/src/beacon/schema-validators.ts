import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { beaconSchema } from './beacon-schema.ts';
import { formatPath, type Problem } from './problems.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(beaconSchema);

/** The envelope alone: each metric is checked on its own so one bad metric does not sink its batch. */
const envelopeSchema = {
  ...beaconSchema,
  $id: `${beaconSchema.$id}#envelope`,
  properties: {
    ...beaconSchema.properties,
    metrics: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'object' } },
  },
};

export const validateEnvelope: ValidateFunction = ajv.compile(envelopeSchema);
export const validateMetricShape: ValidateFunction = ajv.getSchema(`${beaconSchema.$id}#/definitions/metric`)!;

/** Turns Ajv's errors into one readable problem per field. */
export function toProblems(errors: readonly ErrorObject[] | null | undefined, prefix: (string | number)[] = []): Problem[] {
  const byPath = new Map<string, { types: string[]; reasons: string[] }>();
  const add = (segments: (string | number)[], reason: string, type?: string) => {
    const path = formatPath([...prefix, ...segments]);
    const entry = byPath.get(path) ?? { types: [], reasons: [] };
    if (type) entry.types.push(type);
    else if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    byPath.set(path, entry);
  };
  for (const error of errors ?? []) {
    const segments = pointerSegments(error.instancePath);
    switch (error.keyword) {
      case 'required':
        add([...segments, String(error.params.missingProperty)], 'is required');
        break;
      case 'additionalProperties':
        add([...segments, String(error.params.additionalProperty)], 'is not a known field');
        break;
      case 'type':
        add(segments, '', String(error.params.type));
        break;
      case 'enum':
        add(segments, `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
        break;
      case 'propertyNames':
        add([...segments, String(error.params.propertyName)], 'is not a valid tag key (letters, digits, _; starts with a letter; at most 64)');
        break;
      case 'oneOf':
      case 'if':
        break; // the branches' own errors say more
      case 'pattern':
        if (error.parentSchema && error.schemaPath.includes('propertyNames')) break;
        add(
          segments,
          String(error.params.pattern).startsWith('^[^\\u0000')
            ? 'must not contain control characters (NUL, CR, LF, ESC, ...)'
            : `does not match the expected format ${String(error.params.pattern)}`,
        );
        break;
      default:
        add(segments, error.message ?? error.keyword);
    }
  }
  return [...byPath.entries()].map(([path, { types, reasons }]) => ({
    path,
    reason: [...(types.length > 0 ? [`must be ${[...new Set(types)].join(' or ')}`] : []), ...reasons].join('; '),
  }));
}

function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(segment) ? Number(segment) : segment;
    });
}
