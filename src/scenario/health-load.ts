/**
 * The scenario's `health:` block: its JSON schema (the keys, so a misspelt one gets "did you
 * mean") and its values read with src/scenario/health.ts, each error located at its line.
 */
import { HEALTH_CHECKS, HealthLimitError, mergeHealthOverrides, parseHealthEntry, UNREACHABLE_AFTER, type HealthOverrides } from './health';
import type { Locator } from './load-errors';

const KEYS = [...HEALTH_CHECKS, UNREACHABLE_AFTER] as const;

/** A limit is a number or a string with its unit, or `off`; what fits which check is read below. */
const VALUE = { type: ['string', 'number', 'boolean'], description: 'a limit in the check\'s unit, or off' } as const;

export const HEALTH_BLOCK = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(KEYS.map((k) => [k, VALUE])),
} as const;

export type RawHealth = Partial<Record<(typeof KEYS)[number], string | number | boolean>>;

export function resolveHealthBlock(raw: RawHealth, at: Locator): HealthOverrides {
  const parts: HealthOverrides[] = [];
  for (const key of KEYS) {
    if (raw[key] === undefined) continue;
    try {
      parts.push(parseHealthEntry(key, raw[key]));
    } catch (err) {
      if (err instanceof HealthLimitError) throw at.error(['health', key], err.message);
      throw err;
    }
  }
  return Object.freeze(mergeHealthOverrides(...parts));
}
