import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { SCHEMA_FORMATS } from '../src/ocpp/schema-formats';
import { readVersionSchemas } from '../src/ocpp/schema-source';
import { VALIDATOR_INDEX, validatorDir, validatorFile, type ValidatorIndex } from '../src/ocpp/schemas';
import { fileValidatorPath } from '../src/scenario/file-validator';
import { compileScenarioFileSchema, scenarioFileAjv } from '../src/scenario/file-validator-build';
import { OCPP_VERSIONS } from '../src/ocpp/version';

/**
 * The build's second step (after tsc): every OCA schema compiled once, here, into a standalone
 * module of its own (ajv's standalone code), so no worker or CSMS process compiles a schema at
 * run time. Written beside dist/src/ocpp/schemas.js, which loads them by action.
 */
function newAjv(): Ajv {
  // strict: false because the 2.0.1 schemas carry the non-standard `javaType` keyword. The
  // generated code requires the formats from schema-formats.js, the module these come from.
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    validateSchema: false,
    addUsedSchema: false,
    code: { source: true, formats: _`require("../../schema-formats").SCHEMA_FORMATS` },
  });
  for (const [name, format] of Object.entries(SCHEMA_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

function writeVersion(root: string, version: (typeof OCPP_VERSIONS)[number]): number {
  const dir = validatorDir(version, root);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const schemas = readVersionSchemas(version);
  const ajv = newAjv();
  let written = 0;
  for (const [kind, map] of [['request', schemas.requests], ['response', schemas.responses]] as const) {
    for (const [action, schema] of map) {
      writeFileSync(join(dir, validatorFile(action, kind)), standaloneCode(ajv, ajv.compile(schema)));
      written++;
    }
  }
  const index: ValidatorIndex = { requests: [...schemas.requests.keys()], responses: [...schemas.responses.keys()] };
  writeFileSync(join(dir, VALIDATOR_INDEX), `${JSON.stringify(index, null, 1)}\n`);
  return written;
}

/** The scenario file's validator, beside dist/src/scenario/file-validator.js, which loads it. */
function writeScenarioFile(path: string): void {
  const ajv = scenarioFileAjv();
  writeFileSync(path, standaloneCode(ajv, compileScenarioFileSchema(ajv)));
}

const root = join(__dirname, '..', 'src', 'ocpp', 'validators');
const counts = OCPP_VERSIONS.map((v) => `${writeVersion(root, v)} for ${v}`);
const scenarioFile = fileValidatorPath(join(__dirname, '..', 'src', 'scenario'));
writeScenarioFile(scenarioFile);
process.stderr.write(`payload validators: ${counts.join(', ')} in ${root}; the scenario file's in ${scenarioFile}\n`);
