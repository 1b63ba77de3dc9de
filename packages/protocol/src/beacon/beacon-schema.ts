// Generated from schema/beacon.schema.json by `npm run generate:types`; edit the schema, not this file.

export const beaconSchema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://vitalstream.dev/schema/beacon.schema.json",
  "title": "vitalstream beacon",
  "description": "One POST /v1/beacon body: a batch of metrics from one page view or one server process. Names, units and tag keys are further checked against the metric registry (@vitalstream/protocol: packages/protocol/src/registry/metrics.ts).",
  "type": "object",
  "required": [
    "app",
    "metrics"
  ],
  "additionalProperties": false,
  "properties": {
    "app": {
      "description": "Application id; lower-case letters, digits, '.', '_' and '-'.",
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$"
    },
    "context": {
      "$ref": "#/definitions/context"
    },
    "sdk": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": {
          "type": "string",
          "maxLength": 64,
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "version": {
          "type": "string",
          "maxLength": 32,
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        }
      }
    },
    "metrics": {
      "type": "array",
      "minItems": 1,
      "maxItems": 500,
      "items": {
        "$ref": "#/definitions/metric"
      }
    }
  },
  "definitions": {
    "context": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "sessionId": {
          "type": "string",
          "maxLength": 128,
          "description": "Random per-session id; never stored.",
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "page": {
          "type": "string",
          "maxLength": 2048,
          "description": "Page path or URL; stored as a route template without query string.",
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "route": {
          "type": "string",
          "maxLength": 256,
          "description": "Route template the app already knows (e.g. /courses/:id); preferred over page.",
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "device": {
          "enum": [
            "mobile",
            "tablet",
            "desktop",
            "bot",
            "unknown"
          ]
        },
        "connection": {
          "type": "string",
          "maxLength": 32,
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "release": {
          "type": "string",
          "maxLength": 64,
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "userIdHash": {
          "type": "string",
          "maxLength": 128,
          "description": "Already-hashed user id; never stored.",
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        },
        "service": {
          "type": "string",
          "maxLength": 64,
          "description": "Server-side service name.",
          "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        }
      }
    },
    "metric": {
      "type": "object",
      "required": [
        "name",
        "value"
      ],
      "additionalProperties": false,
      "properties": {
        "name": {
          "type": "string",
          "pattern": "^[a-z][a-z0-9_]{0,127}$",
          "description": "A registered metric name, function_<name>, or custom_<name>."
        },
        "value": {
          "type": "number"
        },
        "count": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000000,
          "description": "How many times this value occurred, for clients that pre-aggregate (default 1)."
        },
        "unit": {
          "enum": [
            "ms",
            "s",
            "bytes",
            "%",
            "count",
            "rate",
            "score"
          ]
        },
        "timestamp": {
          "description": "Epoch milliseconds or ISO 8601; defaults to the time the beacon is received.",
          "oneOf": [
            {
              "type": "number",
              "minimum": 0
            },
            {
              "type": "string",
              "maxLength": 40
            }
          ]
        },
        "source": {
          "enum": [
            "browser",
            "server",
            "database",
            "cdn",
            "external_api",
            "system"
          ]
        },
        "tags": {
          "type": "object",
          "maxProperties": 16,
          "propertyNames": {
            "pattern": "^[a-zA-Z][a-zA-Z0-9_]{0,63}$"
          },
          "additionalProperties": {
            "oneOf": [
              {
                "type": "string",
                "maxLength": 256,
                "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
              },
              {
                "type": "number"
              },
              {
                "type": "boolean"
              }
            ]
          }
        }
      }
    }
  }
};
