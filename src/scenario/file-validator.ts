import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { RawScenario } from './file-schema';

/**
 * The scenario file's validator, generated at build time from SCENARIO_FILE_SCHEMA by ajv's
 * standalone code (tools/build-validators.ts, with the options of file-validator-build.ts).
 * Compiling it at run time cost 0.15 s of CPU in every process that read a scenario: each CLI
 * run, validate and capacity, and each test file.
 */
export const FILE_VALIDATOR_MODULE = 'file-validator.generated.js';

/** Where the build writes it: beside this module, so that the package carries it. */
export function fileValidatorPath(root = __dirname): string {
  return join(root, FILE_VALIDATOR_MODULE);
}

let loaded: ValidateFunction<RawScenario> | undefined;

export function fileValidator(): ValidateFunction<RawScenario> {
  if (loaded === undefined) {
    try {
      // ajv's standalone modules export the validating function as `default`.
      loaded = (require(fileValidatorPath()) as { default: ValidateFunction<RawScenario> }).default;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`the scenario file validator is missing from this build (npm run build writes it): ${why}`);
    }
  }
  return loaded;
}
