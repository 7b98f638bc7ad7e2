/**
 * The JSON schema of session scripts as written in scenario files: a list of steps, each a bare
 * name (`- plugIn`) or a mapping with one key (`- wait: 5s`). Order rules and the payloads of
 * `send` are checked after the schema, in `script-load.ts`.
 */
import { DURATION } from './file-schema-parts';
import { STOP_REASONS } from './types';

/** Steps written as a bare name. */
export const BARE_STEPS = ['plugIn', 'authorize', 'start', 'suspend', 'resume', 'stop', 'unplug', 'disconnect', 'reconnect', 'reboot'] as const;

const STEP_MAPPING = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    wait: DURATION,
    meterValues: {
      type: 'object',
      additionalProperties: false,
      properties: { count: { type: 'integer', minimum: 1, maximum: 1_000_000 }, until: { enum: ['end'] }, interval: DURATION },
    },
    suspend: { type: 'object', additionalProperties: false, required: ['by'], properties: { by: { enum: ['EV', 'EVSE'] } } },
    stop: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { enum: STOP_REASONS } } },
    send: {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: { action: { type: 'string', minLength: 1, maxLength: 64 }, payload: { type: 'object' } },
    },
    raw: { type: 'string', minLength: 1, maxLength: 65_536 },
    discharge: {
      type: 'object',
      additionalProperties: false,
      required: ['powerKw'],
      properties: { powerKw: { type: 'number', exclusiveMinimum: 0, maximum: 1000 } },
    },
    stream: {
      type: 'object',
      additionalProperties: false,
      required: ['interval'],
      properties: { interval: DURATION, values: { type: 'integer', minimum: 1, maximum: 100 } },
    },
  },
} as const;

/** One step: a bare name, or a mapping such as `{wait: 5s}` or `{meterValues: {count: 3}}`. */
const STEP = {
  if: { type: 'string' },
  then: { enum: BARE_STEPS },
  else: STEP_MAPPING,
} as const;

export const SCRIPT = { type: 'array', minItems: 1, maxItems: 1000, items: STEP } as const;

/** Top level `scripts:`: named scripts (names checked when resolved, to say which one is wrong). */
export const SCRIPTS = { type: 'object', additionalProperties: SCRIPT } as const;

/** A group's `sessions.script`: the name of a script under `scripts:`, or a list of steps. */
export const SESSION_SCRIPT = {
  if: { type: 'string' },
  then: { type: 'string', minLength: 1, maxLength: 64 },
  else: { ...SCRIPT, description: 'the name of a script under "scripts:" or a list of steps' },
} as const;

export type RawStep =
  | (typeof BARE_STEPS)[number]
  | {
      wait?: string | number;
      meterValues?: { count?: number; until?: 'end'; interval?: string | number };
      suspend?: { by: 'EV' | 'EVSE' };
      stop?: { reason: (typeof STOP_REASONS)[number] };
      send?: { action: string; payload?: Record<string, unknown> };
      raw?: string;
      stream?: { interval: string | number; values?: number };
      discharge?: { powerKw: number };
    };
