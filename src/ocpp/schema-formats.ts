import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isDateTime } from './date-time';

/**
 * The formats the OCA schemas use, as the validators generated at build time require them
 * (tools/build-validators.ts points ajv's `code.formats` here). `date-time` is checked in one
 * pass without allocating (date-time.ts), since nearly every answer carries a timestamp; `uri`
 * is ajv-formats' own.
 */
export const SCHEMA_FORMATS: Readonly<Record<string, Format>> = {
  'date-time': { type: 'string', validate: isDateTime },
  uri: fullFormats.uri,
};
