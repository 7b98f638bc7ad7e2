/**
 * The JSON schema of a scenario file as written by people (units as strings). Checked with ajv
 * so that every error names its field; unit strings are matched here by pattern and converted by
 * `units.ts` after validation. Pieces shared by several fields are in `file-schema-parts.ts`.
 */
import {
  ARRIVAL,
  DURATION,
  DURATION_DISTRIBUTION,
  PERCENT_DISTRIBUTION,
  RAMP,
  SHARE,
  SIGNED_METER_VALUES,
  TIME_OF_DAY,
} from './file-schema-parts';
import { FAULTS, type RawFault } from './file-schema-faults';
import { HEALTH_BLOCK, type RawHealth } from './health-load';
import { SCRIPTS, SESSION_SCRIPT, type RawStep } from './script-schema';
import { MEASURANDS, STOP_REASONS, TAG_POOLS } from './types';

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

const NAME = { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9._-]+$', description: 'letters, digits, ".", "_" or "-"' } as const;

const SESSIONS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    idle: DURATION,
    arrival: ARRIVAL,
    duration: DURATION_DISTRIBUTION,
    meterInterval: DURATION,
    measurands: { type: 'array', minItems: 1, maxItems: MEASURANDS.length, uniqueItems: true, items: { enum: MEASURANDS } },
    powerKw: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    rampUp: DURATION,
    evCapacityKwh: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    startSocPercent: PERCENT_DISTRIBUTION,
    idTags: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pool: { enum: TAG_POOLS },
        size: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        invalidShare: SHARE,
      },
    },
    invalidTagShare: SHARE,
    stopReasons: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(STOP_REASONS.map((r) => [r, { type: 'number', minimum: 0 }])),
    },
    script: SESSION_SCRIPT,
  },
} as const;

export const SCENARIO_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['groups'],
  properties: {
    name: { ...NAME, maxLength: 80 },
    description: { type: 'string' },
    duration: DURATION,
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    callTimeout: DURATION,
    gracefulStop: DURATION,
    timeScale: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
    startTimeOfDay: TIME_OF_DAY,
    thresholds: { type: 'array', maxItems: 1000, items: THRESHOLD },
    faults: FAULTS,
    scripts: SCRIPTS,
    groups: {
      type: 'array',
      minItems: 1,
      maxItems: 4095,
      items: {
        type: 'object',
        additionalProperties: false,
        // `count` may be left out with `identities:` (the file's rows): checked in resolveGroup.
        required: ['name', 'ocpp'],
        properties: {
          name: { ...NAME, maxLength: 64 },
          count: { type: 'integer', minimum: 0, maximum: 1000000 },
          // No `type`: an unquoted `ocpp: 1.6` (a YAML number) gets the enum's message, with a hint.
          ocpp: { enum: ['1.6', '2.0.1', '2.1'] },
          connectors: { type: 'integer', minimum: 1, maximum: 32 },
          // The pattern as written; the identities it gives are held to the OCPP rule (identities.ts).
          identity: { type: 'string', minLength: 1, maxLength: 64 },
          identities: { type: 'string', minLength: 1, maxLength: 4096, description: 'a CSV file path such as "stations.csv"' },
          vendor: { type: 'string', minLength: 1, maxLength: 20 },
          model: { type: 'string', minLength: 1, maxLength: 20 },
          firmware: { type: 'string', maxLength: 50 },
          startAt: DURATION,
          ramp: RAMP,
          heartbeatInterval: DURATION,
          pingInterval: DURATION,
          pingTimeout: DURATION,
          maxFrameSize: { type: 'integer', minimum: 1024, maximum: 104857600 },
          compression: { enum: ['none', 'permessage-deflate'] },
          reconnect: {
            type: 'object',
            additionalProperties: false,
            properties: { min: DURATION, max: DURATION, jitter: SHARE },
          },
          sessions: SESSIONS,
          signedMeterValues: SIGNED_METER_VALUES,
        },
      },
    },
    // URLs are checked by the loader (scheme, no credentials), which never quotes a password back.
    targets: { type: 'array', minItems: 1, maxItems: 64, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 2048 } },
    csms: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nodes: { type: 'integer', minimum: 1, maximum: 16 },
        heartbeatInterval: DURATION,
        pendingBoots: { type: 'integer', minimum: 0, maximum: 1_000_000 },
        bootRetryInterval: DURATION,
        delay: DURATION,
        jitter: DURATION,
        delayActions: { type: 'array', minItems: 1, maxItems: 200, uniqueItems: true, items: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]{0,63}$', description: 'an OCPP action such as "BootNotification"' } },
        invalidTagShare: SHARE,
        serviceTime: DURATION,
        servers: { type: 'integer', minimum: 1, maximum: 10_000 },
        processes: { type: 'integer', minimum: 1, maximum: 64 },
      },
    },
    health: HEALTH_BLOCK,
  },
} as const;

type Duration = string | number;
type Rate = string | number;

export interface RawCsmsSettings {
  nodes?: number;
  heartbeatInterval?: Duration;
  pendingBoots?: number;
  bootRetryInterval?: Duration;
  delay?: Duration;
  jitter?: Duration;
  delayActions?: string[];
  invalidTagShare?: number;
  serviceTime?: Duration;
  servers?: number;
  processes?: number;
}

export type RawRamp = Rate | { linear?: { from: Rate; to: Rate; over: Duration }; steps?: { at: Duration; rate: Rate }[] };
export type RawDuration =
  | Duration
  | { uniform?: { min: Duration; max: Duration }; normal?: { mean: Duration; sd: Duration }; lognormal?: { median: Duration; sigma: number } };
export type RawPercent = number | { uniform?: { min: number; max: number }; normal?: { mean: number; sd: number } };
export interface RawArrival {
  poisson?: { meanIdle: Duration };
  fixed?: { every: Duration };
  dailyCurve?: { points: [string, number][]; peakPerHour: number };
}

export interface RawSessions {
  idle?: Duration;
  arrival?: RawArrival;
  duration?: RawDuration;
  meterInterval?: Duration;
  measurands?: (typeof MEASURANDS)[number][];
  powerKw?: number;
  rampUp?: Duration;
  evCapacityKwh?: number;
  startSocPercent?: RawPercent;
  idTags?: { pool?: (typeof TAG_POOLS)[number]; size?: number; invalidShare?: number };
  invalidTagShare?: number;
  stopReasons?: Partial<Record<(typeof STOP_REASONS)[number], number>>;
  script?: string | RawStep[];
}

export interface RawGroup {
  name: string;
  count?: number;
  identities?: string;
  ocpp: '1.6' | '2.0.1' | '2.1';
  connectors?: number;
  identity?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  startAt?: Duration;
  ramp?: RawRamp;
  heartbeatInterval?: Duration;
  pingInterval?: Duration;
  pingTimeout?: Duration;
  maxFrameSize?: number;
  compression?: 'none' | 'permessage-deflate';
  reconnect?: { min?: Duration; max?: Duration; jitter?: number };
  sessions?: RawSessions;
  signedMeterValues?: 'ocmf' | { format: 'ocmf'; tamperShare?: number };
}

export interface RawScenario {
  name?: string;
  description?: string;
  duration?: Duration;
  seed?: number;
  callTimeout?: Duration;
  gracefulStop?: Duration;
  timeScale?: number;
  startTimeOfDay?: string;
  thresholds?: RawThreshold[];
  health?: RawHealth;
  targets?: string[];
  csms?: RawCsmsSettings;
  faults?: RawFault[];
  scripts?: Record<string, RawStep[]>;
  groups: RawGroup[];
}

export type RawThreshold = string | { threshold: string; abortOnFail?: boolean; abortGracePeriod?: Duration };
