/**
 * The `faults:` timeline of a scenario file, as written: each entry a time (`at`), optionally the
 * groups it hits, and exactly one fault kind (checked after the schema, so the error can name the
 * kinds). Kinds and their fields are described in scenarios/README.md.
 */
import { DURATION, SHARE } from './file-schema-parts';
import { MALFORMED_KINDS, RESTART_REASONS } from './faults';

function kind<P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) {
  return { type: 'object', additionalProperties: false, required, properties } as const;
}

export const FAULT = {
  type: 'object',
  additionalProperties: false,
  required: ['at'],
  properties: {
    at: DURATION,
    groups: { type: 'array', minItems: 1, maxItems: 4095, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    drop: kind({ share: SHARE }, [] as const),
    offline: kind({ share: SHARE, for: DURATION }, ['for'] as const),
    restart: kind({ share: SHARE, reason: { enum: RESTART_REASONS } }, [] as const),
    halfOpen: kind({ share: SHARE, for: DURATION }, ['for'] as const),
    malformed: kind(
      {
        share: SHARE,
        for: DURATION,
        kinds: { type: 'array', minItems: 1, maxItems: MALFORMED_KINDS.length, uniqueItems: true, items: { enum: MALFORMED_KINDS } },
      },
      ['share', 'for'] as const,
    ),
    flapping: kind({ share: SHARE, for: DURATION, up: DURATION }, ['for', 'up'] as const),
    nodeLoss: kind({ target: { type: 'integer', minimum: 0, maximum: 63 }, for: DURATION }, ['target', 'for'] as const),
  },
} as const;

export const FAULTS = { type: 'array', maxItems: 1000, items: FAULT } as const;

type Duration = string | number;

export interface RawFault {
  at: Duration;
  groups?: string[];
  drop?: { share?: number };
  offline?: { share?: number; for: Duration };
  restart?: { share?: number; reason?: (typeof RESTART_REASONS)[number] };
  halfOpen?: { share?: number; for: Duration };
  malformed?: { share: number; for: Duration; kinds?: (typeof MALFORMED_KINDS)[number][] };
  flapping?: { share?: number; for: Duration; up: Duration };
  nodeLoss?: { target: number; for: Duration };
}
