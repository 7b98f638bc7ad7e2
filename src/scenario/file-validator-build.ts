import Ajv, { _, type KeywordCxt } from 'ajv';
import { SCENARIO_FILE_SCHEMA } from './file-schema';
import { parseDuration } from './units';

/**
 * The ajv that compiles SCENARIO_FILE_SCHEMA into standalone code at build time
 * (tools/build-validators.ts); file-validator.ts loads the result. allowUnionTypes: durations are
 * a string ("90s") or a number of seconds, and strict mode refuses the union without it. verbose:
 * errors carry their schema, so an unknown field can be answered with the known ones and a bad
 * value with the field's hint (load-errors.ts).
 */
export function scenarioFileAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true, code: { source: true } });
  // Durations in any unit against the timers' limit (file-schema-parts.ts, DURATION); a value that
  // is not a duration at all is the pattern's to report. Defined as code, not as a `validate`
  // function, because standalone code can only carry functions it can require: the generated
  // module sits beside units.js.
  ajv.addKeyword({
    keyword: 'maxDurationMs',
    type: ['string', 'number'],
    schemaType: 'number',
    code(cxt: KeywordCxt) {
      const parse = cxt.gen.scopeValue('func', { ref: parseDuration, code: _`require("./units").parseDuration` });
      cxt.fail(_`(${parse}(${cxt.data}) ?? 0) > ${cxt.schema}`);
    },
  });
  return ajv;
}

export function compileScenarioFileSchema(ajv = scenarioFileAjv()): ReturnType<Ajv['compile']> {
  return ajv.compile(SCENARIO_FILE_SCHEMA);
}
