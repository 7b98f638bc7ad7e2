import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ErrorMeaning } from './error-codes';
import type { OcppVersion } from './version';

/**
 * Validators for every payload of a version, generated at build time from the official OCA JSON
 * schemas by ajv's standalone code (tools/build-validators.ts), one module per action and
 * direction. Compiling the schemas in each thread cost 0.3 s of CPU for all of 1.6 and 0.9 s for
 * all of 2.0.1, in every worker and every CSMS process; a generated module loads in well under a
 * millisecond, and only the actions a thread meets are loaded.
 */
export interface PayloadValidators {
  readonly version: OcppVersion;
  /** Validator of the request payload of `action`, or undefined when the version has no such action. */
  request(action: string): ValidateFunction | undefined;
  response(action: string): ValidateFunction | undefined;
}

export interface SchemaProblem {
  meaning: ErrorMeaning;
  message: string;
}

/** What the build wrote beside the modules: the actions that have a request or response schema. */
export interface ValidatorIndex {
  readonly requests: readonly string[];
  readonly responses: readonly string[];
}

/** Where the build writes a version's validators: beside this module, so the package carries them. */
export function validatorDir(version: OcppVersion, root = join(__dirname, 'validators')): string {
  return join(root, version);
}

export const VALIDATOR_INDEX = 'index.json';

/** The module of one action's request or response validator, in its version's folder. */
export function validatorFile(action: string, kind: 'request' | 'response'): string {
  return `${action}.${kind}.js`;
}

const cache = new Map<OcppVersion, GeneratedValidators>();

class GeneratedValidators implements PayloadValidators {
  private readonly requests: ReadonlySet<string>;
  private readonly responses: ReadonlySet<string>;
  private readonly loaded = new Map<string, ValidateFunction>();

  constructor(
    readonly version: OcppVersion,
    private readonly dir: string,
    index: ValidatorIndex,
  ) {
    this.requests = new Set(index.requests);
    this.responses = new Set(index.responses);
  }

  request(action: string): ValidateFunction | undefined {
    return this.requests.has(action) ? this.load(action, 'request') : undefined;
  }

  response(action: string): ValidateFunction | undefined {
    return this.responses.has(action) ? this.load(action, 'response') : undefined;
  }

  private load(action: string, kind: 'request' | 'response'): ValidateFunction {
    const file = validatorFile(action, kind);
    let validate = this.loaded.get(file);
    if (validate === undefined) {
      // ajv's standalone modules export the validating function as `default`.
      validate = (require(join(this.dir, file)) as { default: ValidateFunction }).default;
      this.loaded.set(file, validate);
    }
    return validate;
  }
}

function loadIndex(version: OcppVersion): GeneratedValidators {
  const dir = validatorDir(version);
  let index: ValidatorIndex;
  try {
    index = JSON.parse(readFileSync(join(dir, VALIDATOR_INDEX), 'utf8')) as ValidatorIndex;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`the OCPP ${version} payload validators are missing from this build (npm run build writes them): ${why}`);
  }
  return new GeneratedValidators(version, dir, index);
}

/** The validators of `version` for this thread, each action's module loaded on first use and kept. */
export function validatorsFor(version: OcppVersion): PayloadValidators {
  let validators = cache.get(version);
  if (!validators) {
    validators = loadIndex(version);
    cache.set(version, validators);
  }
  return validators;
}

/**
 * Load now the requests and responses of `actions`: what a station sends is loaded before the
 * load starts, not during its first call's latency.
 */
export function prepareValidators(version: OcppVersion, actions: readonly string[]): void {
  const validators = validatorsFor(version);
  for (const action of actions) {
    validators.request(action);
    validators.response(action);
  }
}

/** Which CALLERROR a schema failure deserves (OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3). */
function meaningOf(error: ErrorObject): ErrorMeaning {
  switch (error.keyword) {
    case 'required':
    case 'minItems':
    case 'maxItems':
      return 'OccurrenceConstraintViolation';
    case 'type':
      return 'TypeConstraintViolation';
    case 'additionalProperties':
      return 'FormatViolation';
    default:
      return 'PropertyConstraintViolation';
  }
}

/** The first problem ajv found, as a CALLERROR meaning and a message that names the field. */
export function schemaProblem(validate: ValidateFunction): SchemaProblem {
  const error = validate.errors?.[0];
  if (!error) return { meaning: 'FormatViolation', message: 'payload does not match its schema' };
  const where = error.instancePath === '' ? 'payload' : `payload${error.instancePath.replace(/\//g, '.')}`;
  let detail = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    detail = `has unknown property "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`;
  } else if (error.keyword === 'enum') {
    detail = `must be one of ${JSON.stringify((error.params as { allowedValues?: unknown[] }).allowedValues)}`;
  }
  return { meaning: meaningOf(error), message: `${where} ${detail}` };
}
