/**
 * Pieces of the scenario file's JSON schema. A `description` is the hint an error gives ("expected
 * a duration such as …"): ajv hands it back with the error (verbose mode), so the words live next
 * to the rule they explain.
 */
import { MAX_TIMER_MS } from './units';

export const DURATION_HINT = 'a duration such as "250ms", "90s", "10m" or "1h"';

/**
 * `maxDurationMs` is the loader's own keyword (load.ts): the duration, in whatever unit it is
 * written, at most this many ms. Every duration of a file reaches a timer (scaled or not), so
 * every one is held to the timers' limit.
 */
export const DURATION = {
  type: ['string', 'number'],
  pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$',
  minimum: 0,
  maxDurationMs: MAX_TIMER_MS,
  description: DURATION_HINT,
} as const;

const RATE_STRING = { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*/\\s*(ms|s|m|h)\\s*$' } as const;

/** A connection rate of a ramp: `200/s`, `3000/m`, a bare number per second, or `all`. */
export const RATE = {
  anyOf: [RATE_STRING, { type: 'string', enum: ['all'] }, { type: 'number', exclusiveMinimum: 0 }],
  description: 'a rate such as "200/s" or "all"',
} as const;

/** A rate inside a ramp shape (`all` means nothing there). */
export const RATE_VALUE = {
  anyOf: [RATE_STRING, { type: 'number', exclusiveMinimum: 0 }],
  description: 'a rate such as "200/s"',
} as const;

/** The start of a linear ramp may be 0: connections then begin as the rate rises. */
const RATE_OR_ZERO = {
  anyOf: [RATE_STRING, { type: 'number', minimum: 0 }],
  description: 'a rate such as "0/s" or "10/s"',
} as const;

export const SHARE = { type: 'number', minimum: 0, maximum: 1 } as const;

export const TIME_OF_DAY = {
  type: 'string',
  pattern: '^([01]?\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$',
  description: 'a time of day such as "18:00" or "06:30:00"',
} as const;

/** One of several named shapes, written as a mapping with exactly one key. */
function oneKey<P extends Record<string, object>>(properties: P) {
  return { type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1, properties } as const;
}

function fields<P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) {
  return { type: 'object', additionalProperties: false, required, properties } as const;
}

/** `ramp`: a rate, `all`, `{linear: {from, to, over}}` or `{steps: [{at, rate}, …]}`. */
export const RAMP = {
  if: { type: 'object' },
  then: oneKey({
    linear: fields({ from: RATE_OR_ZERO, to: RATE_VALUE, over: DURATION }, ['from', 'to', 'over'] as const),
    steps: { type: 'array', minItems: 1, maxItems: 1000, items: fields({ at: DURATION, rate: RATE_VALUE }, ['at', 'rate'] as const) },
  }),
  else: { ...RATE, description: 'a rate such as "200/s" or "all", or a mapping {linear: …} or {steps: […]}' },
} as const;

/** A distribution of durations: a duration (fixed) or one of the named shapes. */
export const DURATION_DISTRIBUTION = {
  if: { type: 'object' },
  then: oneKey({
    uniform: fields({ min: DURATION, max: DURATION }, ['min', 'max'] as const),
    normal: fields({ mean: DURATION, sd: DURATION }, ['mean', 'sd'] as const),
    lognormal: fields({ median: DURATION, sigma: { type: 'number', minimum: 0, maximum: 10 } }, ['median', 'sigma'] as const),
  }),
  else: { ...DURATION, description: 'a duration such as "30m", or a mapping {uniform: …}, {normal: …} or {lognormal: …}' },
} as const;

const PERCENT = { type: 'number', minimum: 0, maximum: 100 } as const;

export const PERCENT_DISTRIBUTION = {
  if: { type: 'object' },
  then: oneKey({
    uniform: fields({ min: PERCENT, max: PERCENT }, ['min', 'max'] as const),
    normal: fields({ mean: PERCENT, sd: PERCENT }, ['mean', 'sd'] as const),
  }),
  else: { ...PERCENT, description: 'a percentage such as 20, or a mapping {uniform: …} or {normal: …}' },
} as const;

export const ARRIVAL = oneKey({
  poisson: fields({ meanIdle: DURATION }, ['meanIdle'] as const),
  fixed: fields({ every: DURATION }, ['every'] as const),
  dailyCurve: fields(
    {
      points: {
        type: 'array',
        minItems: 1,
        maxItems: 1440,
        items: {
          type: 'array',
          minItems: 2,
          maxItems: 2,
          items: [TIME_OF_DAY, { type: 'number', minimum: 0 }],
          additionalItems: false,
          description: 'a pair such as ["18:00", 1.0]',
        },
      },
      peakPerHour: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
    },
    ['points', 'peakPerHour'] as const,
  ),
});

/**
 * `signedMeterValues`: `ocmf`, or `{format: ocmf, tamperShare: 0.1}` (the share of signed values
 * sent with a reading changed after signing).
 */
export const SIGNED_METER_VALUES = {
  if: { type: 'object' },
  then: fields({ format: { enum: ['ocmf'] }, tamperShare: SHARE }, ['format'] as const),
  else: { enum: ['ocmf'] },
} as const;
