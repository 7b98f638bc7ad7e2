/**
 * The JSON schema of a scenario file as written by people (units as strings). Checked with ajv
 * so that every error names its field; unit strings are matched here by pattern and converted by
 * `units.ts` after validation.
 */
const DURATION = { type: ['string', 'number'], pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$', minimum: 0 } as const;
const RATE = {
  anyOf: [
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*/\\s*(ms|s|m|h)\\s*$' },
    { type: 'string', enum: ['all'] },
    { type: 'number', exclusiveMinimum: 0 },
  ],
} as const;
const SHARE = { type: 'number', minimum: 0, maximum: 1 } as const;
/**
 * A threshold is a string ("BootNotification.p99 < 800ms") or, to abort on failure, a mapping.
 * One union type rather than anyOf: a wrong item then gets "expected a string or a mapping".
 * The string's grammar is checked by the report's threshold parser, which knows metric names.
 */
const THRESHOLD = {
  type: ['string', 'object'],
  minLength: 1,
  maxLength: 200,
  additionalProperties: false,
  required: ['threshold'],
  properties: {
    threshold: { type: 'string', minLength: 1, maxLength: 200 },
    abortOnFail: { type: 'boolean' },
    abortGracePeriod: DURATION,
  },
} as const;

export const SCENARIO_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['groups'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._-]+$' },
    description: { type: 'string' },
    duration: DURATION,
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    callTimeout: DURATION,
    gracefulStop: DURATION,
    thresholds: { type: 'array', maxItems: 1000, items: THRESHOLD },
    groups: {
      type: 'array',
      minItems: 1,
      maxItems: 4095,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'count', 'ocpp'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
          count: { type: 'integer', minimum: 0, maximum: 1000000 },
          // No `type`: an unquoted `ocpp: 1.6` (a YAML number) gets the enum's message, with a hint.
          ocpp: { enum: ['1.6', '2.0.1'] },
          connectors: { type: 'integer', minimum: 1, maximum: 32 },
          identity: { type: 'string', minLength: 1, maxLength: 48 },
          vendor: { type: 'string', minLength: 1, maxLength: 20 },
          model: { type: 'string', minLength: 1, maxLength: 20 },
          firmware: { type: 'string', maxLength: 50 },
          startAt: DURATION,
          ramp: RATE,
          heartbeatInterval: DURATION,
          pingInterval: DURATION,
          pingTimeout: DURATION,
          maxFrameSize: { type: 'integer', minimum: 1024, maximum: 104857600 },
          reconnect: {
            type: 'object',
            additionalProperties: false,
            properties: { min: DURATION, max: DURATION, jitter: SHARE },
          },
          sessions: {
            type: 'object',
            additionalProperties: false,
            properties: {
              idle: DURATION,
              duration: DURATION,
              meterInterval: DURATION,
              powerKw: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
              invalidTagShare: SHARE,
            },
          },
        },
      },
    },
  },
} as const;

export interface RawGroup {
  name: string;
  count: number;
  ocpp: '1.6' | '2.0.1';
  connectors?: number;
  identity?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  startAt?: string | number;
  ramp?: string | number;
  heartbeatInterval?: string | number;
  pingInterval?: string | number;
  pingTimeout?: string | number;
  maxFrameSize?: number;
  reconnect?: { min?: string | number; max?: string | number; jitter?: number };
  sessions?: {
    idle?: string | number;
    duration?: string | number;
    meterInterval?: string | number;
    powerKw?: number;
    invalidTagShare?: number;
  };
}

export interface RawScenario {
  name?: string;
  description?: string;
  duration?: string | number;
  seed?: number;
  callTimeout?: string | number;
  gracefulStop?: string | number;
  thresholds?: RawThreshold[];
  groups: RawGroup[];
}

export type RawThreshold = string | { threshold: string; abortOnFail?: boolean; abortGracePeriod?: string | number };
